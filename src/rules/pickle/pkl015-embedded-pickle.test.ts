import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL015 embedded pickle", () => {
  it("finds a base64-encoded pickle in a string and scans it", async () => {
    const inner = P.call("os", "system", "id", 4);
    const encoded = btoa(String.fromCharCode(...inner));
    const report = await expectRule(new P().proto(4).unicode(encoded).stop().toBytes(), "PKL015", true);
    expect(report.findings.find((f) => f.ruleId === "PKL001")?.location.member).toMatch(/^encoded@/);
  });
  it("finds raw pickle bytes inside a bytes value", async () => {
    await expectRule(new P().proto(4).bytes(P.call("collections", "OrderedDict", "x")).stop().toBytes(), "PKL015", true);
  });
  it("ignores an ordinary base64 string", async () => {
    await expectRule(new P().proto(4).unicode(btoa("just some configuration text here")).stop().toBytes(), "PKL015", false);
  });
});
