import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL004 ML framework class", () => {
  it("notes sklearn estimators rebuilt by NEWOBJ + BUILD, at info level", async () => {
    const bytes = new P().proto(2).global("sklearn.linear_model._logistic", "LogisticRegression").emptyTuple().newobj().emptyDict().build().stop().toBytes();
    const report = await expectRule(bytes, "PKL004", true);
    expect(report.findings.find((f) => f.ruleId === "PKL004")?.severity).toBe("info");
    expect(report.verdict).toBe("clean");
  });
  it("stays silent for plain data", async () => {
    await expectRule(new P().proto(2).emptyList().int(1).append().stop().toBytes(), "PKL004", false);
  });
});
