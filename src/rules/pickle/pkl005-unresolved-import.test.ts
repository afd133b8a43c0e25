import { describe, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL005 unresolved import", () => {
  it("catches STACK_GLOBAL whose module is computed by a call", async () => {
    const bytes = new P().proto(4).global("builtins", "str").emptyTuple().reduce().unicode("system").stackGlobal().stop().toBytes();
    await expectRule(bytes, "PKL005", true);
  });
  it("catches EXT1 (copyreg extension registry)", async () => {
    await expectRule(new P().proto(2).ext1(7).emptyTuple().reduce().stop().toBytes(), "PKL005", true);
  });
  it("resolves STACK_GLOBAL operands fetched from the memo (no finding for a safe target)", async () => {
    const bytes = new P().proto(4).unicode("collections").memoize().unicode("OrderedDict").memoize().pop().pop().get(0).get(1).stackGlobal().emptyTuple().reduce().stop().toBytes();
    await expectRule(bytes, "PKL005", false);
  });
});
