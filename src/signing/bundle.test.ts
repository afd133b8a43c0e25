import { describe, expect, it } from "vitest";
import { parseBundle, writeBundle } from "./bundle.js";
import { SigningError } from "./errors.js";

const payload = new TextEncoder().encode("{}");
const sig = new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]);

function failure(text: string): SigningError {
  try {
    parseBundle(text);
  } catch (error) {
    if (error instanceof SigningError) return error;
    throw error;
  }
  throw new Error("parsed");
}

describe("Sigstore bundles", () => {
  it("writes the reference v1.1 layout for a key", () => {
    expect(writeBundle({ method: "key", hint: "ab" }, { payload, signature: sig })).toBe(
      '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"ab"},"tlogEntries":[]},"dsseEnvelope":{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"MAYCAQECAQE=","keyid":""}]}}',
    );
  });
  it("round-trips key and certificate bundles", () => {
    const key = parseBundle(writeBundle({ method: "key", hint: "AB" }, { payload, signature: sig }));
    expect(key.material).toEqual({ method: "key", hint: "ab" });
    expect(key.payload).toEqual(payload);
    const cert = parseBundle(writeBundle({ method: "certificate", chain: [new Uint8Array([1]), new Uint8Array([2])] }, { payload, signature: sig }));
    expect(cert.material).toEqual({ method: "certificate", chain: [new Uint8Array([1]), new Uint8Array([2])] });
  });
  it("reads an old key bundle (rawBytes, no hint, keyid null) as a key bundle without hint", () => {
    const old = JSON.stringify({ mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json", verificationMaterial: { publicKey: { rawBytes: "AAAA", keyDetails: "PKIX_ECDSA_P384_SHA_384" } }, dsseEnvelope: { payload: "e30=", payloadType: "application/vnd.in-toto+json", signatures: [{ sig: "MAYCAQECAQE=", keyid: null }] } });
    expect(parseBundle(old).material).toEqual({ method: "key", hint: undefined });
  });
  it("names what is wrong", () => {
    expect(failure("nope").message).toBe("Cannot verify signature: the signature file is not JSON (expected a Sigstore bundle)");
    expect(failure('{"mediaType":"x"}').message).toContain('has mediaType "x"');
    const base = JSON.parse(writeBundle({ method: "key", hint: "ab" }, { payload, signature: sig })) as Record<string, Record<string, unknown>>;
    const twoSigs = structuredClone(base);
    (twoSigs.dsseEnvelope as Record<string, unknown>).signatures = [{ sig: "AA==" }, { sig: "AA==" }];
    expect(failure(JSON.stringify(twoSigs)).message).toContain("has 2 signatures in its envelope; expected exactly one");
    const noMaterial = structuredClone(base);
    noMaterial.verificationMaterial = {};
    expect(failure(JSON.stringify(noMaterial)).message).toContain("has no publicKey, certificate or x509CertificateChain");
    const badPayload = structuredClone(base);
    (badPayload.dsseEnvelope as Record<string, unknown>).payload = "not base64!";
    expect(failure(JSON.stringify(badPayload)).code).toBe("bundle-invalid");
  });
});
