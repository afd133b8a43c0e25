import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL003 unknown global imported", () => {
  it("names, at info level, an unknown import that is never called (only its module is imported)", async () => {
    const report = await expectRule(new P().proto(2).global("mylib", "Thing").stop().toBytes(), "PKL003", true);
    expect(report.findings.find((f) => f.ruleId === "PKL003")?.message).toContain("loading imports mylib");
    expect(report.verdict).toBe("clean");
  });
  it("names an enum member pickled as getattr(Enum, 'MEMBER') by its full name", async () => {
    const bytes = new P().proto(2).global("builtins", "getattr").global("transformers.trainer_utils", "IntervalStrategy").unicode("STEPS").tuple2().reduce().stop().toBytes();
    const report = await expectRule(bytes, "PKL003", true);
    expect(report.findings.find((f) => f.ruleId === "PKL003")?.evidence).toContain("transformers.trainer_utils.IntervalStrategy.STEPS");
    expect(report.verdict).toBe("clean");
  });
  it("does not fire for an allowlisted import", async () => {
    await expectRule(new P().proto(2).global("torch", "FloatStorage").stop().toBytes(), "PKL003", false);
  });
});
