import { join } from "node:path";
import type { FileReport } from "../../core/finding.js";
import { reportDocument } from "../../engine/scan.js";
import type { Policy } from "../../policy/policy.js";
import { sig001, type SignatureDocument } from "../../rules/signing/sig001-signature.js";
import { SigningError } from "../../signing/errors.js";
import { DEFAULT_SIGNATURE_NAME } from "./sign-model.js";
import { verifyModel, type TrustedSigners } from "./verify-model.js";

export interface ScanSignatureOptions extends TrustedSigners {
  /** The signature to check; default `<dir>/model.sig`, next to the model it signs. */
  signaturePath?: string;
  ignorePaths?: readonly string[];
  ignoreGitPaths?: boolean;
  allowSymlinks?: boolean;
  workers?: number;
}

export interface ScanSignatureResult {
  ok: boolean;
  /** Present when not ok: what SIG001 reports. */
  finding?: { message: string; evidence: string };
  /** The document SIG001 reads, verified or not. */
  document: SignatureDocument;
}

/**
 * Verifies a model folder's signature for `scan --require-signature`: an unsigned model or one
 * whose signature fails becomes a SIG001 finding instead of an error, so one gate run answers both
 * "is it from who we trust" and "is it safe to load".
 *
 * @example
 * const { ok, finding } = await verifyForScan("models/bert", { publicKeys: ["release.pub"] });
 * @throws SigningError with code `usage` or `key-material` when the trust options themselves are
 *   unusable (no signer named, unreadable key): that is the caller's mistake, not the model's.
 */
export async function verifyForScan(dir: string, options: ScanSignatureOptions): Promise<ScanSignatureResult> {
  const signaturePath = options.signaturePath ?? join(dir, DEFAULT_SIGNATURE_NAME);
  let document: SignatureDocument;
  try {
    const result = await verifyModel(dir, { ...options, signaturePath });
    document = { format: "signature", status: "verified", signature: signaturePath, detail: `signed with ${result.signer}` };
  } catch (error) {
    if (!(error instanceof SigningError) || error.code === "usage" || error.code === "key-material") throw error;
    const status = error.code === "signature-missing" ? "unsigned" : "invalid";
    document = { format: "signature", status, signature: signaturePath, detail: error.detail, code: error.code };
  }
  const [hit] = reportDocument("signature", document, { rules: [sig001], path: signaturePath }).findings;
  return hit === undefined ? { ok: true, document } : { ok: false, finding: { message: hit.message, evidence: hit.evidence ?? "" }, document };
}

/**
 * The scan report entry for a model folder's signature: SIG001 run through the engine, so the
 * policy sets its severity (critical by default) and the gate fails on it like any finding.
 *
 * @example
 * report.files.push(await signatureReport("models/bert", policy, { publicKeys: ["release.pub"] }));
 */
export async function signatureReport(dir: string, policy: Policy, options: ScanSignatureOptions): Promise<FileReport> {
  const { document } = await verifyForScan(dir, options);
  const note = document.status === "verified" ? `Signature ${JSON.stringify(document.signature)} verified: ${document.detail}.` : undefined;
  return reportDocument("signature", document, { policy, rules: [sig001], path: document.signature, notes: note ? [note] : [] });
}
