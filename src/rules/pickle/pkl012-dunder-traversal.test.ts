import { describe, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL012 dunder traversal", () => {
  it("catches numpy.__builtins__ (modelscan #330 shape)", async () => {
    await expectRule(new P().proto(4).unicode("numpy").unicode("__builtins__").stackGlobal().stop().toBytes(), "PKL012", true);
  });
  it("catches torch + nn.Module.__init__.__globals__", async () => {
    await expectRule(new P().proto(2).global("torch", "nn.Module.__init__.__globals__").stop().toBytes(), "PKL012", true);
  });
  it("does not fire for copyreg.__newobj__ (allowlisted) or the __main__ module", async () => {
    await expectRule(new P().proto(2).global("copyreg", "__newobj__").stop().toBytes(), "PKL012", false);
    await expectRule(new P().proto(2).global("__main__", "Config").stop().toBytes(), "PKL012", false);
  });
});
