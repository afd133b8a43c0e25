import { createHash, createPrivateKey, createPublicKey, sign, verify, X509Certificate, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { pae, paeCompat } from "../../signing/dsse.js";
import { quote, signingError, type SigningStage } from "../../signing/errors.js";
import { firstPemBlock, pemBlocks } from "../../signing/pem.js";

/** Key, certificate and trust-root files are small; this stops `--key /dev/zero` (CWE-400). */
export const MAX_KEY_FILE_BYTES = 1024 * 1024;

/** The curves model signing allows (Sigstore's protobuf specs), each with the hash it signs with. */
const CURVES: Record<string, { name: string; hash: "sha256" | "sha384" | "sha512" }> = {
  prime256v1: { name: "P-256", hash: "sha256" },
  secp384r1: { name: "P-384", hash: "sha384" },
  secp521r1: { name: "P-521", hash: "sha512" },
};

export interface EcKeyInfo {
  /** `P-256`, `P-384` or `P-521`. */
  curve: string;
  hash: "sha256" | "sha384" | "sha512";
}

/** Which file a message is about, and for which stage it is written. */
export interface KeyContext {
  stage: SigningStage;
  /** `the public key "k.pem"`, `trusted certificate file`… */
  what: string;
}

/** The curve of an EC key, or a key-material error naming what the key is instead. */
export function ecKeyInfo(key: KeyObject, { stage, what }: KeyContext): EcKeyInfo {
  const curve = key.asymmetricKeyType === "ec" ? key.asymmetricKeyDetails?.namedCurve : undefined;
  const info = curve === undefined ? undefined : CURVES[curve];
  if (info === undefined) {
    const actual = key.asymmetricKeyType === "ec" ? `an EC key on ${curve ?? "an unknown curve"}` : `a ${key.asymmetricKeyType?.toUpperCase() ?? "non-EC"} key`;
    throw signingError(stage, "key-material", `${what} is ${actual}; model signing uses ECDSA on P-256, P-384 or P-521`);
  }
  return { curve: info.name, hash: info.hash };
}

/**
 * The key hint the reference tool writes in `verificationMaterial.publicKey.hint`: hex SHA-256 of
 * the public key as SubjectPublicKeyInfo PEM.
 */
export function keyHint(key: KeyObject): string {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "pem" }) as string).digest("hex");
}

export async function readKeyFile(path: string, { stage, what }: KeyContext): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (error as Error).message;
    throw signingError(stage, "key-material", `cannot read the ${what} ${quote(path)}: ${why}`);
  }
  if (bytes.length > MAX_KEY_FILE_BYTES) throw signingError(stage, "key-material", `the ${what} ${quote(path)} is larger than ${MAX_KEY_FILE_BYTES} bytes`);
  return bytes;
}

/** Loads an unencrypted PEM private key (SEC1 or PKCS#8) and checks its curve. */
export async function loadPrivateKey(path: string): Promise<{ key: KeyObject; info: EcKeyInfo }> {
  const text = (await readKeyFile(path, { stage: "sign", what: "private key" })).toString("utf8");
  const pem = firstPemBlock(text);
  let key: KeyObject;
  try {
    if (pem === undefined) throw new Error("no PEM block");
    key = createPrivateKey(pem);
  } catch (error) {
    const encrypted = /ENCRYPTED/.test(text) || /passphrase/i.test((error as Error).message);
    const why = encrypted ? "it is encrypted; decrypt it first (openssl ec -in key.pem -out plain.pem)" : "it is not a PEM private key";
    throw signingError("sign", "key-material", `cannot load the private key ${quote(path)}: ${why}`);
  }
  return { key, info: ecKeyInfo(key, { stage: "sign", what: `the private key ${quote(path)}` }) };
}

/** Loads a public key from PEM or DER SubjectPublicKeyInfo and checks its curve. */
export async function loadPublicKey(path: string, stage: SigningStage = "verify"): Promise<{ key: KeyObject; info: EcKeyInfo }> {
  const bytes = await readKeyFile(path, { stage, what: "public key" });
  const pem = firstPemBlock(bytes.toString("latin1"));
  let key: KeyObject;
  try {
    key = pem !== undefined ? createPublicKey(pem) : createPublicKey({ key: bytes, format: "der", type: "spki" });
  } catch {
    throw signingError(stage, "key-material", `cannot load the public key ${quote(path)}: it is not a PEM or DER public key`);
  }
  if (key.type !== "public") throw signingError(stage, "key-material", `${quote(path)} holds a private key; pass the public key`);
  return { key, info: ecKeyInfo(key, { stage, what: `the public key ${quote(path)}` }) };
}

/** Every certificate in PEM files (a file may hold several), in order. */
export async function loadCertificates(paths: readonly string[], { stage, what }: KeyContext): Promise<X509Certificate[]> {
  const out: X509Certificate[] = [];
  for (const path of paths) {
    const blocks = pemBlocks((await readKeyFile(path, { stage, what })).toString("latin1"), "CERTIFICATE");
    if (blocks.length === 0) throw signingError(stage, "key-material", `the ${what} ${quote(path)} has no PEM certificate`);
    for (const der of blocks) {
      try {
        out.push(new X509Certificate(der));
      } catch {
        throw signingError(stage, "key-material", `the ${what} ${quote(path)} holds a certificate that cannot be parsed`);
      }
    }
  }
  return out;
}

/** An EC key with its curve: what signs or verifies a DSSE envelope. */
export interface EcKey {
  key: KeyObject;
  info: EcKeyInfo;
}

/** DSSE signature over the payload: ECDSA, DER-encoded, hash by curve size (as the reference signs). */
export function signPayload({ key, info }: EcKey, envelope: { payloadType: string; payload: Uint8Array }): Uint8Array {
  return sign(info.hash, pae(envelope.payloadType, envelope.payload), key);
}

/**
 * Checks a DSSE signature. Falls back, like the reference tool, to what pre-1.0 releases signed by
 * mistake (paeCompat, and SHA-256 whatever the curve), so v0.2 signatures still verify; each of
 * these encodes the same payload unambiguously, so accepting them admits no other content.
 */
export function verifyPayloadSignature({ key, info }: EcKey, envelope: { payloadType: string; payload: Uint8Array; signature: Uint8Array }): "current" | "v0.2" | undefined {
  const { payloadType, payload, signature } = envelope;
  const attempt = (hash: string, message: Uint8Array): boolean => {
    try {
      return verify(hash, message, key, signature);
    } catch {
      return false; // a signature that is not DER at all
    }
  };
  if (attempt(info.hash, pae(payloadType, payload))) return "current";
  const compat = paeCompat(payloadType, payload);
  if (attempt(info.hash, compat) || (info.hash !== "sha256" && attempt("sha256", compat))) return "v0.2";
  return undefined;
}

/** Whether two keys are the same public key (compares their SubjectPublicKeyInfo). */
export function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  const spki = (k: KeyObject) => (k.type === "private" ? createPublicKey(k) : k).export({ type: "spki", format: "der" });
  return spki(a).equals(spki(b));
}
