import type { KeyObject } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { writeBundle, type WrittenMaterial } from "../../signing/bundle.js";
import { IN_TOTO_PAYLOAD_TYPE } from "../../signing/dsse.js";
import { quote, signingError } from "../../signing/errors.js";
import type { Manifest } from "../../signing/manifest.js";
import type { HashType, Serialization } from "../../signing/serialization.js";
import { buildStatement, encodeStatement } from "../../signing/statement.js";
import { hashModel } from "./hash-model.js";
import { modelIgnorePaths, type IgnoreOptions } from "./ignore-paths.js";
import { keyHint, loadCertificates, loadPrivateKey, samePublicKey, signPayload } from "./keys.js";
import { sha256 } from "./sha256.js";

/** The signature file's usual name (the reference tool's `--signature` default). */
export const DEFAULT_SIGNATURE_NAME = "model.sig";

export interface SignModelOptions extends IgnoreOptions {
  /** PEM EC private key (P-256, P-384 or P-521), unencrypted. */
  key: string;
  /** PEM signing certificate for `key` (private PKI); without it the bundle names the key only. */
  certificate?: string;
  /** PEM files with the intermediates (and root) that go into the bundle after the certificate. */
  certificateChain?: readonly string[];
  /** Where to write the bundle; the reference's default is `model.sig` in the current folder. */
  signaturePath: string;
  allowSymlinks?: boolean;
  hashType?: HashType;
  /** Sign shards of this many bytes instead of whole files. */
  shardSize?: number;
  workers?: number;
}

export interface SignedModel {
  signaturePath: string;
  manifest: Manifest;
  /** `key e8450dec… (ECDSA P-384)` or the certificate subject. */
  signer: string;
}

/**
 * Signs a model folder (or file) as OpenSSF model signing does and writes the Sigstore bundle.
 *
 * @example
 * await signModel("model/", { key: "key.pem", signaturePath: "model.sig" });
 * @throws SigningError for unusable keys or certificates and unreadable models.
 */
export async function signModel(modelPath: string, options: SignModelOptions): Promise<SignedModel> {
  const { key, info } = await loadPrivateKey(options.key);
  const material = await signingMaterial(key, options);
  const base = { hashType: options.hashType ?? "sha256", allowSymlinks: options.allowSymlinks ?? false, ignorePaths: modelIgnorePaths(modelPath, options) } as const;
  const serialization: Serialization = options.shardSize === undefined ? { method: "files", ...base } : { method: "shards", shardSize: options.shardSize, ...base };
  const manifest = await hashModel(modelPath, serialization, { stage: "sign", workers: options.workers });
  const payload = encodeStatement(buildStatement(manifest, sha256));
  const signature = signPayload({ key, info }, { payloadType: IN_TOTO_PAYLOAD_TYPE, payload });
  try {
    await writeFile(options.signaturePath, writeBundle(material.written, { payload, signature }));
  } catch (error) {
    throw signingError("sign", "usage", `cannot write the signature ${quote(options.signaturePath)}: ${(error as Error).message}`);
  }
  return { signaturePath: options.signaturePath, manifest, signer: material.signer ?? `key ${keyHint(key).slice(0, 16)}… (ECDSA ${info.curve})` };
}

async function signingMaterial(key: KeyObject, options: SignModelOptions): Promise<{ written: WrittenMaterial; signer?: string }> {
  if (options.certificate === undefined) {
    if (options.certificateChain?.length) throw signingError("sign", "usage", "--certificate-chain needs --certificate (the signing certificate)");
    return { written: { method: "key", hint: keyHint(key) } };
  }
  const [leaf] = await loadCertificates([options.certificate], { stage: "sign", what: "signing certificate" });
  if (leaf === undefined) throw signingError("sign", "key-material", `no certificate in ${quote(options.certificate)}`);
  if (!samePublicKey(leaf.publicKey, key)) {
    throw signingError("sign", "key-material", `the certificate ${quote(options.certificate)} is for another key than ${quote(options.key)}`);
  }
  const chain = await loadCertificates(options.certificateChain ?? [], { stage: "sign", what: "certificate chain" });
  return { written: { method: "certificate", chain: [leaf, ...chain].map((c) => new Uint8Array(c.raw)) }, signer: `certificate ${quote(leaf.subject.split("\n").join(", "))}` };
}
