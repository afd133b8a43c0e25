import { decodeBase64, encodeBase64 } from "./base64.js";
import { quote, signingError } from "./errors.js";

/** What the reference tool writes. */
export const BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

/** Sigstore bundle media types we read (keyless bundles from older sigstore clients use the first three). */
const KNOWN_MEDIA_TYPES = new Set([
  "application/vnd.dev.sigstore.bundle+json;version=0.1",
  "application/vnd.dev.sigstore.bundle+json;version=0.2",
  "application/vnd.dev.sigstore.bundle+json;version=0.3",
  BUNDLE_MEDIA_TYPE,
]);

/**
 * Largest signature file read, in bytes (CWE-400). A manifest entry is ~150 bytes, so this holds
 * MAX_RESOURCES files with room to spare, and stops `--signature /dev/zero`.
 */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

/** Certificates accepted in a bundle's chain (CWE-770); real private PKIs use 2 to 4. */
export const MAX_CHAIN_CERTIFICATES = 10;

/** How the bundle says it was signed, which decides how it must be verified. */
export type SigningMaterial =
  /** A bare EC key. `hint` is hex SHA-256 of the PEM public key; bundles before v1.1 carry none. */
  | { method: "key"; hint: string | undefined }
  /** A certificate from a private PKI: DER certificates, signing certificate first, no transparency log. */
  | { method: "certificate"; chain: Uint8Array[] }
  /** Keyless Sigstore: a Fulcio certificate plus transparency-log entries (checked by @sigstore/verify). */
  | { method: "sigstore" };

export type SigningMethod = SigningMaterial["method"];

/** A parsed model-signing bundle; nothing in it is verified yet. */
export interface ModelBundle {
  mediaType: string;
  material: SigningMaterial;
  payloadType: string;
  payload: Uint8Array;
  /** The DSSE signature (DER-encoded ECDSA for key and certificate bundles). */
  signature: Uint8Array;
  /** The bundle as parsed JSON, for the Sigstore verifier in the keyless case. */
  json: Record<string, unknown>;
}

/**
 * Reads a model-signing Sigstore bundle (any release of the reference tool).
 *
 * @example
 * const bundle = parseBundle(await readFile("model.sig", "utf8"));
 * bundle.material.method; // "key" | "certificate" | "sigstore"
 * @throws SigningError bundle-invalid naming the field that is wrong.
 */
export function parseBundle(text: string): ModelBundle {
  const fail = (reason: string) => signingError("verify", "bundle-invalid", `the signature file ${reason}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail("is not JSON (expected a Sigstore bundle)");
  }
  if (!isObject(json)) throw fail("is not a JSON object (expected a Sigstore bundle)");
  const mediaType = json.mediaType;
  if (typeof mediaType !== "string" || !KNOWN_MEDIA_TYPES.has(mediaType)) {
    throw fail(`has mediaType ${JSON.stringify(mediaType)}; expected ${quote(BUNDLE_MEDIA_TYPE)}`);
  }
  const envelope = json.dsseEnvelope;
  if (!isObject(envelope)) throw fail("has no dsseEnvelope; model signatures are DSSE envelopes");
  const payloadType = envelope.payloadType;
  if (typeof payloadType !== "string") throw fail("has no dsseEnvelope.payloadType");
  const payload = typeof envelope.payload === "string" ? decodeBase64(envelope.payload) : undefined;
  if (payload === undefined) throw fail("has no base64 dsseEnvelope.payload");
  const signatures = envelope.signatures;
  if (!Array.isArray(signatures) || signatures.length !== 1 || !isObject(signatures[0])) {
    throw fail(`has ${Array.isArray(signatures) ? signatures.length : "no"} signatures in its envelope; expected exactly one`);
  }
  const sig = signatures[0].sig;
  const signature = typeof sig === "string" ? decodeBase64(sig) : undefined;
  if (signature === undefined || signature.length === 0) throw fail("has no base64 signature in dsseEnvelope.signatures[0].sig");
  const material = readMaterial(json.verificationMaterial, fail);
  return { mediaType, material, payloadType, payload, signature, json };
}

function readMaterial(value: unknown, fail: (reason: string) => Error): SigningMaterial {
  if (!isObject(value)) throw fail("has no verificationMaterial");
  const tlogEntries = value.tlogEntries;
  const hasTlog = Array.isArray(tlogEntries) && tlogEntries.length > 0;
  if (isObject(value.publicKey)) {
    const hint = value.publicKey.hint;
    // Bundles before v1.1 carry the PEM key itself (rawBytes); it is not trusted, only the key the user gives is.
    return { method: "key", hint: typeof hint === "string" && hint !== "" ? hint.toLowerCase() : undefined };
  }
  if (isObject(value.certificate)) return { method: "sigstore" };
  const chainObject = value.x509CertificateChain;
  if (isObject(chainObject)) {
    // Older Sigstore clients put the Fulcio certificate in a chain too; a log entry tells them apart.
    if (hasTlog) return { method: "sigstore" };
    const certificates = chainObject.certificates;
    if (!Array.isArray(certificates) || certificates.length === 0) throw fail("has an empty x509CertificateChain");
    if (certificates.length > MAX_CHAIN_CERTIFICATES) throw fail(`has ${certificates.length} certificates in its chain; the limit is ${MAX_CHAIN_CERTIFICATES}`);
    const chain = certificates.map((c, i) => {
      const der = isObject(c) && typeof c.rawBytes === "string" ? decodeBase64(c.rawBytes) : undefined;
      if (der === undefined || der.length === 0) throw fail(`has certificate #${i + 1} without base64 rawBytes`);
      return der;
    });
    return { method: "certificate", chain };
  }
  throw fail("has no publicKey, certificate or x509CertificateChain in its verificationMaterial");
}

/** The verification material modelvet writes: a key hint, or a certificate chain (leaf first, DER). */
export type WrittenMaterial = { method: "key"; hint: string } | { method: "certificate"; chain: readonly Uint8Array[] };

/**
 * Writes a bundle in the layout of the reference tool (v1.1): compact JSON, `tlogEntries: []`,
 * one signature with an empty `keyid`.
 *
 * @example
 * writeBundle({ method: "key", hint }, { payload, signature }); // '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",…}'
 */
export function writeBundle(material: WrittenMaterial, { payload, signature }: { payload: Uint8Array; signature: Uint8Array }): string {
  const verificationMaterial =
    material.method === "key"
      ? { publicKey: { hint: material.hint }, tlogEntries: [] }
      : { x509CertificateChain: { certificates: material.chain.map((der) => ({ rawBytes: encodeBase64(der) })) }, tlogEntries: [] };
  return JSON.stringify({
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial,
    dsseEnvelope: {
      payload: encodeBase64(payload),
      payloadType: "application/vnd.in-toto+json",
      signatures: [{ sig: encodeBase64(signature), keyid: "" }],
    },
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
