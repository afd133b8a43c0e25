import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL010 FRAME violation", () => {
  it("catches BINBYTES that swallow a hidden payload past the frame end, and finds the payload", async () => {
    const hidden = new TextEncoder().encode("cos\nsystem\n(S'id'\ntR.");
    const bytes = new P().proto(4).frame(2).raw(0x43, hidden.length, hidden).stop().toBytes();
    const report = await expectRule(bytes, "PKL010", true);
    expect(report.findings.map((f) => f.ruleId)).toContain("PKL001");
  });
  it("finds the payload whatever the frame length that cuts the argument", async () => {
    const hidden = new TextEncoder().encode("cos\nsystem\n(S'id'\ntR.");
    for (const frame of [1, 2, 3, 8]) {
      const bytes = new P().proto(4).frame(frame).raw(0x43, hidden.length, hidden).stop().toBytes();
      const report = await expectRule(bytes, "PKL010", true);
      expect(report.findings.map((f) => f.ruleId), `FRAME ${frame}`).toContain("PKL001");
    }
  });
  it("passes a well-formed frame", async () => {
    const body = new P().unicode("ok").stop().toBytes();
    await expectRule(new P().proto(4).frame(body.length).raw(body).toBytes(), "PKL010", false);
  });
});
