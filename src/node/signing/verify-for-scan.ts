import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { FileReport } from "../../core/finding.js";
import { reportDocument } from "../../engine/scan.js";
import type { Policy } from "../../policy/policy.js";
import { sig001, type SignatureDocument } from "../../rules/signing/sig001-signature.js";
import { quote, SigningError } from "../../signing/errors.js";
import { defaultSignaturePath, enclosingFolderSignature } from "./signature-place.js";
import { verifyModel, type TrustedSigners } from "./verify-model.js";

export interface ScanSignatureOptions extends TrustedSigners {
  /** The signature to check; default `defaultSignaturePath` (`<dir>/model.sig`, `<file>.sig`). */
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
  const signaturePath = options.signaturePath ?? (await defaultSignaturePath(dir));
  let document: SignatureDocument;
  const folderSignature = options.signaturePath === undefined ? await enclosingFolderSignature(dir) : undefined;
  if (folderSignature !== undefined && !(await isFile(signaturePath))) {
    // One file of a signed folder: the folder's signature covers the folder, not this file alone,
    // and a manifest diff ("every other file removed") would not say that.
    const detail = `${quote(dir)} is one file of a signed folder: ${quote(folderSignature)} signs the whole folder ${quote(dirname(dir))}, so scan that folder with --require-signature (or sign this file on its own: it would get ${quote(signaturePath)})`;
    document = { format: "signature", status: "unsigned", signature: signaturePath, detail, code: "part-of-signed-folder" };
  } else {
    document = await verifiedDocument(dir, signaturePath, options);
  }
  const [hit] = reportDocument("signature", document, { rules: [sig001], path: signaturePath }).findings;
  return hit === undefined ? { ok: true, document } : { ok: false, finding: { message: hit.message, evidence: hit.evidence ?? "" }, document };
}

async function verifiedDocument(dir: string, signaturePath: string, options: ScanSignatureOptions): Promise<SignatureDocument> {
  try {
    const result = await verifyModel(dir, { ...options, signaturePath });
    return { format: "signature", status: "verified", signature: signaturePath, detail: `signed with ${result.signer}` };
  } catch (error) {
    if (!(error instanceof SigningError) || error.code === "usage" || error.code === "key-material") throw error;
    const status = error.code === "signature-missing" ? "unsigned" : "invalid";
    return { format: "signature", status, signature: signaturePath, detail: error.detail, code: error.code };
  }
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

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() === true;
}
