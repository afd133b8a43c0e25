import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL006 nested deserializer", () => {
  it("catches pickle.loads on an inner payload and scans the payload too", async () => {
    const inner = new TextEncoder().encode("cos\nsystem\n(S'id'\ntR.");
    const bytes = new P().proto(2).global("_pickle", "loads").bytes(inner).tuple1().reduce().stop().toBytes();
    const report = await expectRule(bytes, "PKL006", true);
    const innerHit = report.findings.find((f) => f.ruleId === "PKL001");
    expect(innerHit?.location.member).toMatch(/^bytes@/);
  });
  it("does not fire for numpy reconstruction", async () => {
    const bytes = new P().proto(2).global("numpy.core.multiarray", "_reconstruct").global("numpy", "ndarray").int(0).tuple1().bytes(new Uint8Array([0x62])).raw(0x87).reduce().stop().toBytes();
    await expectRule(bytes, "PKL006", false);
  });
});
