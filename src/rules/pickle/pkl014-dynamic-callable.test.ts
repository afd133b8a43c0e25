import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL014 dynamic callable", () => {
  it("catches calling the result of another call (an OrderedDict instance)", async () => {
    const bytes = new P().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().unicode("x").tuple1().reduce().stop().toBytes();
    await expectRule(bytes, "PKL014", true);
  });
  it("judges a called getattr(<global>, '<literal>') as a call of that name, not as a dynamic callable", async () => {
    const bytes = new P().proto(2).global("builtins", "getattr").global("os", "path").unicode("join").tuple2().reduce().unicode("x").tuple1().reduce().stop().toBytes();
    const report = await expectRule(bytes, "PKL014", false);
    expect(report.findings.filter((f) => f.ruleId === "PKL001").map((f) => f.message)).toContainEqual(expect.stringContaining("calls os.path.join (via getattr)"));
  });
  it("does not fire when every callable is an import", async () => {
    await expectRule(new P().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().stop().toBytes(), "PKL014", false);
  });
});
