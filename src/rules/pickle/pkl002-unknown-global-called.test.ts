import { describe, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL002 unknown callable called", () => {
  it("catches __main__.MyModel called with REDUCE", async () => {
    await expectRule(P.call("__main__", "MyModel", "x"), "PKL002", true);
  });
  it("does not fire for a known ML class (torch.nn.modules.linear.Linear via NEWOBJ)", async () => {
    const bytes = new P().proto(2).global("torch.nn.modules.linear", "Linear").emptyTuple().newobj().emptyDict().build().stop().toBytes();
    await expectRule(bytes, "PKL002", false);
  });
  it("treats copyreg._reconstructor(cls, object, None) like NEWOBJ: a rebuild, not a call", async () => {
    const bytes = new P().global("copy_reg", "_reconstructor").global("__main__", "Model").global("__builtin__", "object").none().raw(0x87).reduce().stop().toBytes();
    await expectRule(bytes, "PKL002", false);
    await expectRule(bytes, "PKL004", true);
  });
  it("treats copyreg._reconstructor(cls, base, state) with another base as a call with the state", async () => {
    const bytes = new P().global("copy_reg", "_reconstructor").global("__main__", "Model").global("__main__", "Base").unicode("x").raw(0x87).reduce().stop().toBytes();
    await expectRule(bytes, "PKL002", true);
  });
  it("does not fire when the unknown global is only imported", async () => {
    await expectRule(new P().proto(2).global("mylib", "Thing").stop().toBytes(), "PKL002", false);
  });
});
