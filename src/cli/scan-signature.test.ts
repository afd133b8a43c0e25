import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.js";

const KEYS = new URL("../signing/testdata/", import.meta.url).pathname;

const run = runCli;

describe("modelvet scan --require-signature", () => {
  const dir = mkdtempSync(join(tmpdir(), "modelvet-scan-sig-"));
  const model = join(dir, "model");
  const trust = ["--public-key", join(KEYS, "p256.pub.pem")];

  it("passes a signed model, then fails the gate with SIG001 once a signed file changed", async () => {
    mkdirSync(model, { recursive: true });
    writeFileSync(join(model, "weights.bin"), "weights");
    expect((await run(["sign", model, "--key", join(KEYS, "p256.pem"), "--signature", join(model, "model.sig")])).code).toBe(0);
    const ok = await run(["scan", model, "--require-signature", ...trust]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("verified: signed with key");
    appendFileSync(join(model, "weights.bin"), "!");
    const bad = await run(["scan", model, "--require-signature", ...trust, "--format", "json"]);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { files: { findings: { ruleId: string; severity: string }[] }[] };
    expect(report.files.flatMap((f) => f.findings).map((f) => [f.ruleId, f.severity])).toEqual([["SIG001", "critical"]]);
  });

  it("reports an unsigned folder, and takes the trusted signers from the policy", async () => {
    const unsigned = join(dir, "unsigned");
    mkdirSync(unsigned);
    writeFileSync(join(unsigned, "w.bin"), "w");
    const policy = join(dir, "policy.yaml");
    writeFileSync(policy, `version: 1\nsigning:\n  require: true\n  publicKeys: [${join(KEYS, "p256.pub.pem")}]\n`);
    const result = await run(["scan", unsigned, "--policy", policy]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("SIG001 Model is not signed");
  });

  it("is a usage error without a trusted signer", async () => {
    expect((await run(["scan", model, "--require-signature"])).code).toBe(2);
  });
});
