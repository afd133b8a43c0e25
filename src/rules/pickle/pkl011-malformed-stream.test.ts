import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL011 malformed stream", () => {
  it("reports a memo key that was never stored, after a payload (which is still caught)", async () => {
    const bytes = new P().proto(2).global("os", "system").unicode("id").tuple1().reduce().get(9).stop().toBytes();
    const report = await expectRule(bytes, "PKL011", true);
    expect(report.findings.map((f) => f.ruleId)).toContain("PKL001");
  });
  it("reports a stack underflow", async () => {
    await expectRule(new P().proto(2).reduce().none().stop().toBytes(), "PKL011", true);
  });
  it("passes a well-formed memo round trip", async () => {
    await expectRule(new P().proto(2).unicode("a").put(1).pop().get(1).stop().toBytes(), "PKL011", false);
  });
});
