import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { reportDocument } from "../../engine/scan.js";
import { signModel } from "../../node/signing/sign-model.js";
import { signatureReport } from "../../node/signing/verify-for-scan.js";
import { defaultPolicy } from "../../policy/default.js";
import { sig001, type SignatureDocument } from "./sig001-signature.js";

/** Temp folders made by this file, removed when it is done (/tmp is shared). */
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

const KEYS = new URL("../../signing/testdata/", import.meta.url).pathname;

function run(doc: SignatureDocument) {
  return reportDocument("signature", doc, { policy: defaultPolicy(), rules: [sig001], path: doc.signature });
}

describe("SIG001 model signature not verified", () => {
  it("reports an unsigned model as critical", () => {
    const report = run({ format: "signature", status: "unsigned", signature: "m/model.sig", detail: "no signature file", code: "signature-missing" });
    expect(report.findings.map((f) => [f.ruleId, f.severity])).toEqual([["SIG001", "critical"]]);
    expect(report.verdict).toBe("unsafe");
  });
  it("reports a signature that fails, with the reason as evidence", () => {
    const report = run({ format: "signature", status: "invalid", signature: "m/model.sig", detail: 'changed: "w.bin"', code: "model-mismatch" });
    expect(report.findings[0]?.message).toContain('does not verify: changed: "w.bin"');
    expect(report.findings[0]?.evidence).toBe('model-mismatch: changed: "w.bin"');
  });
  it("does not fire for a verified signature (near miss)", () => {
    expect(run({ format: "signature", status: "verified", signature: "m/model.sig", detail: "signed with key" }).findings).toEqual([]);
  });

  describe("through verifyForScan on a real folder", () => {
    const dir = tempDir("modelvet-sig001-");
    writeFileSync(join(dir, "weights.bin"), "weights");
    const trust = { publicKeys: [join(KEYS, "p256.pub.pem")] };

    it("passes a signed, untouched model with a note", async () => {
      await signModel(dir, { key: join(KEYS, "p256.pem"), signaturePath: join(dir, "model.sig") });
      const report = await signatureReport(dir, defaultPolicy(), trust);
      expect(report.findings).toEqual([]);
      expect(report.notes[0]).toMatch(/verified: signed with key/);
    });
    it("reports a file added after signing", async () => {
      writeFileSync(join(dir, "payload.pkl"), "added later");
      const report = await signatureReport(dir, defaultPolicy(), trust);
      expect(report.findings.map((f) => f.ruleId)).toEqual(["SIG001"]);
      expect(report.findings[0]?.message).toContain('not signed, but present: "payload.pkl"');
    });
    it("reports a folder without a signature as unsigned", async () => {
      const unsigned = tempDir("modelvet-sig001-unsigned-");
      writeFileSync(join(unsigned, "weights.bin"), "weights");
      const report = await signatureReport(unsigned, defaultPolicy(), trust);
      expect(report.findings[0]?.message).toMatch(/^Model is not signed: no signature at/);
    });
  });
});
