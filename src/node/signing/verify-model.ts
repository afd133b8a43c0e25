import type { KeyObject } from "node:crypto";
import { MAX_BUNDLE_BYTES, parseBundle, type ModelBundle, type SigningMethod } from "../../signing/bundle.js";
import { quote, signingError, type SigningStage } from "../../signing/errors.js";
import { parseLock } from "../../signing/lock.js";
import type { Manifest } from "../../signing/manifest.js";
import type { Serialization } from "../../signing/serialization.js";
import { assertSameManifest, verifyBundle } from "../../signing/verify.js";
import { validateChain, describeCert } from "./certificate-chain.js";
import { hashModel } from "./hash-model.js";
import { modelIgnorePaths, type IgnoreOptions } from "./ignore-paths.js";
import { ecKeyInfo, keyHint, loadCertificates, loadPublicKey, verifyPayloadSignature, type EcKeyInfo } from "./keys.js";
import { readBounded } from "./read-bounded.js";
import { sha256 } from "./sha256.js";
import { defaultSignaturePath } from "./signature-place.js";
import { verifyKeyless, type TrustedIdentity } from "./sigstore-keyless.js";
import { loadTrustedRoot } from "./trust-root.js";

/** Whom a signature may come from. Any one that verifies is enough. */
export interface TrustedSigners {
  /** PEM (or DER) EC public keys: for signatures made with `sign --key`. */
  publicKeys?: readonly string[];
  /** PEM files of trusted CA certificates: for signatures made with a certificate. */
  certificateChain?: readonly string[];
  /** Keyless Sigstore signers (identity and OIDC issuer). */
  identities?: readonly TrustedIdentity[];
  /** A Sigstore trusted_root.json instead of the pinned public-good one. */
  trustRoot?: string;
}

export interface VerifyModelOptions extends IgnoreOptions, TrustedSigners {
  /** The bundle to check (`--signature`). */
  signaturePath: string;
  allowSymlinks?: boolean;
  workers?: number;
}

export interface VerifiedModelResult {
  signer: string;
  method: SigningMethod;
  manifest: Manifest;
  /** Things worth telling that do not fail verification (an old signature format). */
  notes: string[];
}

/**
 * Verifies a model against its OpenSSF model-signing signature, offline, failing at the first
 * problem with a message that says what differs.
 *
 * @example
 * const { signer } = await verifyModel("model/", { signaturePath: "model.sig", publicKeys: ["key.pub"] });
 * @throws SigningError (code says what failed; `usage` for missing trust options).
 */
export async function verifyModel(modelPath: string, options: VerifyModelOptions): Promise<VerifiedModelResult> {
  requireTrust(options);
  const bundle = parseBundle(await readSignature(options.signaturePath));
  const notes: string[] = [];
  const result = await verifyBundle(bundle, {
    checkSignature: (b) => checkSignature(b, options, notes),
    hashModel: (signed) => hashModel(modelPath, localSerialization(modelPath, signed, options), { stage: "verify", workers: options.workers }),
    sha256,
  });
  return { signer: result.signer, method: bundle.material.method, manifest: result.manifest, notes };
}

/** The signed serialization with this run's ignore paths added and this run's symlink policy. */
function localSerialization(modelPath: string, signed: Serialization, options: VerifyModelOptions | LockOptions): Serialization {
  const local = modelIgnorePaths(modelPath, options);
  return { ...signed, allowSymlinks: options.allowSymlinks ?? false, ignorePaths: [...new Set([...signed.ignorePaths, ...local])] };
}

function requireTrust(options: TrustedSigners): void {
  if (options.publicKeys?.length || options.certificateChain?.length || options.identities?.length) return;
  throw signingError("verify", "usage", "say whom to trust: --public-key KEY, --certificate-chain CA.pem, or --identity ID with --identity-provider URL");
}

async function readSignature(path: string): Promise<string> {
  try {
    return (await readBounded(path, MAX_BUNDLE_BYTES)).toString("utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw signingError("verify", "signature-missing", `no signature file at ${quote(path)}; the model is unsigned, or pass --signature PATH`);
    throw signingError("verify", "bundle-invalid", `cannot read the signature file ${quote(path)}: ${(error as Error).message}`);
  }
}

const HOW_TO_TRUST: Record<SigningMethod, string> = {
  key: "an EC key; pass the signer's public key with --public-key",
  certificate: "a certificate (private PKI); pass the CA certificates with --certificate-chain",
  sigstore: "Sigstore (keyless); pass the signer with --identity and --identity-provider",
};

async function checkSignature(bundle: ModelBundle, trusted: TrustedSigners, notes: string[]): Promise<string> {
  const material = bundle.material;
  switch (material.method) {
    case "key": {
      if (!trusted.publicKeys?.length) throw methodMismatch(material.method);
      return checkKeySignature(bundle, material.hint, trusted.publicKeys, notes);
    }
    case "certificate": {
      if (!trusted.certificateChain?.length) throw methodMismatch(material.method);
      const anchors = await loadCertificates(trusted.certificateChain, { stage: "verify", what: "trusted certificate file" });
      const { leaf } = validateChain(material.chain, anchors);
      const info = ecKeyInfo(leaf.publicKey, { stage: "verify", what: `the signing certificate ${describeCert(leaf)}` });
      const verdict = verifyPayloadSignature({ key: leaf.publicKey, info }, bundle);
      if (verdict === undefined) throw signingError("verify", "signature-invalid", `the signature does not match the signed content with the key of certificate ${describeCert(leaf)}: the signature file was altered`);
      if (verdict === "v0.2") notes.push("the signature was made by model_signing v0.2 (older encoding), accepted for compatibility");
      return `certificate ${describeCert(leaf)}`;
    }
    case "sigstore": {
      if (!trusted.identities?.length) throw methodMismatch(material.method);
      return verifyKeyless(bundle.json, { trustedRoot: await loadTrustedRoot(trusted.trustRoot), identities: trusted.identities });
    }
  }
}

function methodMismatch(method: SigningMethod): Error {
  return signingError("verify", "method-mismatch", `the model was signed with ${HOW_TO_TRUST[method]}`);
}

async function checkKeySignature(bundle: ModelBundle, hint: string | undefined, paths: readonly string[], notes: string[]): Promise<string> {
  const keys: { path: string; key: KeyObject; info: EcKeyInfo; hint: string }[] = [];
  for (const path of paths) {
    const { key, info } = await loadPublicKey(path);
    keys.push({ path, key, info, hint: keyHint(key) });
  }
  if (hint === undefined) notes.push("the signature uses the pre-1.1 key format without a key hint; re-sign to record one");
  const candidates = hint === undefined ? keys : keys.filter((k) => k.hint === hint);
  if (candidates.length === 0) {
    const given = keys.map((k) => `${quote(k.path)} is ${k.hint.slice(0, 16)}…`).join(", ");
    throw signingError("verify", "signature-invalid", `the signature was made with key ${hint?.slice(0, 16)}…, not with a trusted key (${given})`);
  }
  for (const candidate of candidates) {
    const verdict = verifyPayloadSignature(candidate, bundle);
    if (verdict === "v0.2") notes.push("the signature was made by model_signing v0.2 (older encoding), accepted for compatibility");
    if (verdict !== undefined) return `key ${candidate.hint.slice(0, 16)}… (ECDSA ${candidate.info.curve}, ${quote(candidate.path)})`;
  }
  const which = candidates.map((k) => quote(k.path)).join(", ");
  const why = hint === undefined ? "it was made with another key, or the signature file was altered" : "the signature file was altered";
  throw signingError("verify", "signature-invalid", `the signature does not verify with the public key ${which}: ${why}`);
}

export interface LockOptions extends IgnoreOptions {
  allowSymlinks?: boolean;
  workers?: number;
}

/**
 * Checks a model against a lock file written by `modelvet lock`: same files, same digests.
 *
 * @example
 * await verifyLock("model/", "modelvet.lock.json", {});
 * @throws SigningError model-mismatch naming added, removed and changed files.
 */
export async function verifyLock(modelPath: string, lockPath: string, options: LockOptions): Promise<Manifest> {
  let text: string;
  try {
    text = (await readBounded(lockPath, MAX_BUNDLE_BYTES)).toString("utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw signingError("lock", "lock-invalid", `cannot read ${quote(lockPath)}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  const expected = parseLock(text, sha256);
  // The model's own signature is never part of a lock, even of one written before it was signed.
  const ignorePaths = [...(options.ignorePaths ?? []), await defaultSignaturePath(modelPath)];
  const local = localSerialization(modelPath, expected.serialization, { ...options, ignorePaths, signaturePath: lockPath });
  const actual = await hashModel(modelPath, local, { stage: "lock", workers: options.workers });
  assertSameManifest(expected, actual, { stage: "lock" });
  return expected;
}

/** Hashes a model for `modelvet hash` and `modelvet lock`: files and sha256 unless told otherwise. */
export async function manifestOf(modelPath: string, serialization: Omit<Serialization, "ignorePaths">, options: IgnoreOptions & { workers?: number; stage?: SigningStage }): Promise<Manifest> {
  const full = { ...serialization, ignorePaths: modelIgnorePaths(modelPath, options) } as Serialization;
  return hashModel(modelPath, full, { stage: options.stage ?? "hash", workers: options.workers });
}
