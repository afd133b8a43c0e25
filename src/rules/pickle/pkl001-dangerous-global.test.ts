import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL001 dangerous global", () => {
  it("catches posix.system called at protocol 2, with the argument as evidence", async () => {
    const report = await expectRule(P.call("posix", "system", "touch /tmp/x"), "PKL001", true);
    const finding = report.findings.find((f) => f.ruleId === "PKL001");
    expect(finding?.severity).toBe("critical");
    expect(finding?.message).toContain("os.system");
    expect(finding?.evidence).toContain("'touch /tmp/x'");
    expect(report.verdict).toBe("unsafe");
  });
  it("catches a submodule of a denied module (asyncio.unix_events…)", async () => {
    await expectRule(P.call("asyncio.unix_events", "_UnixSubprocessTransport._start", "whoami"), "PKL001", true);
  });
  it("catches a dotted name that reaches os.system through another module", async () => {
    const bytes = new P().proto(4).unicode("pathlib").unicode("os.system").stackGlobal().unicode("id").tuple1().reduce().stop().toBytes();
    await expectRule(bytes, "PKL001", true);
  });
  it("catches the import even when the call is discarded (OBJ then POP)", async () => {
    const bytes = new P().proto(2).mark().global("smtplib", "SMTP").unicode("evil.example").obj().pop().none().stop().toBytes();
    await expectRule(bytes, "PKL001", true);
  });
  it("passes collections.OrderedDict (benign near-miss from the allowlist)", async () => {
    const report = await expectRule(new P().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().stop().toBytes(), "PKL001", false);
    expect(report.verdict).toBe("clean");
  });
  it("passes builtins.len, a safe builtin", async () => {
    await expectRule(new P().global("builtins", "len").emptyList().tuple1().reduce().stop().toBytes(), "PKL001", false);
  });
});
