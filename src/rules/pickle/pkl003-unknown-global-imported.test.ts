import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL003 unknown global imported", () => {
  it("reports an unknown import that is never called", async () => {
    const report = await expectRule(new P().proto(2).global("mylib", "Thing").stop().toBytes(), "PKL003", true);
    expect(report.verdict).toBe("suspicious");
  });
  it("does not fire for an allowlisted import", async () => {
    await expectRule(new P().proto(2).global("torch", "FloatStorage").stop().toBytes(), "PKL003", false);
  });
});
