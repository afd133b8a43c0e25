import { describe, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL013 BUILD on an imported global", () => {
  it("catches BUILD that sets numpy.prod.a = 'os' (modelscan #85 shape)", async () => {
    const bytes = new P().proto(2).global("numpy", "prod").emptyDict().unicode("a").unicode("os").setitem().build().stop().toBytes();
    await expectRule(bytes, "PKL013", true);
  });
  it("does not fire for BUILD on a freshly made instance", async () => {
    const bytes = new P().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().emptyDict().build().stop().toBytes();
    await expectRule(bytes, "PKL013", false);
  });
});
