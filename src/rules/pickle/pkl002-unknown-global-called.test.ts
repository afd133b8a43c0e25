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
  it("treats protocol 0/1 instantiation through copyreg._reconstructor like NEWOBJ", async () => {
    const bytes = new P().global("copy_reg", "_reconstructor").global("__main__", "Model").global("__builtin__", "object").none().raw(0x87).reduce().stop().toBytes();
    await expectRule(bytes, "PKL002", true);
  });
  it("does not fire when the unknown global is only imported", async () => {
    await expectRule(new P().proto(2).global("mylib", "Thing").stop().toBytes(), "PKL002", false);
  });
});
