/**
 * Interoperability with the reference implementation of OpenSSF model signing: every bundle in
 * ../shared/conformance/model-signing (five releases, three signing methods) verifies with the
 * parameters its README gives, and any tampering fails. Tampering happens on copies in a temp dir.
 */
import { appendFileSync, chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SigningError } from "../src/signing/errors.js";
import { signModel } from "../src/node/signing/sign-model.js";
import { verifyModel, type VerifyModelOptions } from "../src/node/signing/verify-model.js";

const ROOT = new URL("../../shared/conformance/model-signing/", import.meta.url).pathname;
const present = existsSync(join(ROOT, "README.md"));
if (!present) console.warn(`signing conformance skipped: ${ROOT} not found (../shared is absent)`);

const KEYS = join(ROOT, "keys/certificate");
const IDENTITY = { identity: "stefanb@us.ibm.com", issuer: "https://sigstore.verify.ibm.com/oauth2" };
const TESTDATA = new URL("../src/signing/testdata/", import.meta.url).pathname;

type Method = "certificate" | "elliptic-key" | "sigstore";
interface Case {
  folder: string;
  method: Method;
  /** The model is this file inside the folder (old key-signing tests signed one file). */
  file?: string;
  ignoreMe: boolean;
}

const CASES: Case[] = [
  { folder: "v0.2.0-certificate", method: "certificate", ignoreMe: false },
  { folder: "v0.3.1-certificate", method: "certificate", ignoreMe: false },
  { folder: "v1.0.0-certificate", method: "certificate", ignoreMe: false },
  { folder: "v1.0.1-certificate", method: "certificate", ignoreMe: true },
  { folder: "v1.1.0-certificate", method: "certificate", ignoreMe: true },
  { folder: "v0.3.1-elliptic-key", method: "elliptic-key", file: "signme-1", ignoreMe: false },
  { folder: "v1.0.0-elliptic-key", method: "elliptic-key", file: "signme-1", ignoreMe: false },
  { folder: "v1.0.1-elliptic-key", method: "elliptic-key", ignoreMe: true },
  { folder: "v1.1.0-elliptic-key", method: "elliptic-key", ignoreMe: true },
  { folder: "v0.3.1-sigstore", method: "sigstore", ignoreMe: false },
  { folder: "v1.0.0-sigstore", method: "sigstore", ignoreMe: false },
  { folder: "v1.0.1-sigstore", method: "sigstore", ignoreMe: true },
  { folder: "v1.1.0-sigstore", method: "sigstore", ignoreMe: true },
];

function trustFor(method: Method): Partial<VerifyModelOptions> {
  if (method === "certificate") return { certificateChain: [join(KEYS, "ca-cert.pem")] };
  if (method === "elliptic-key") return { publicKeys: [join(KEYS, "signing-key-pub.pem")] };
  return { identities: [IDENTITY] };
}

function optionsFor(c: Case, dir: string): VerifyModelOptions {
  return {
    signaturePath: join(dir, "model.sig"),
    ignorePaths: c.ignoreMe ? [join(dir, "ignore-me")] : [],
    ...trustFor(c.method),
  };
}

const model = (c: Case, dir: string) => (c.file ? join(dir, c.file) : dir);

const temps: string[] = [];
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

/** A writable copy of a conformance folder (../shared is read-only and must stay untouched). */
function copyOf(folder: string): string {
  const dir = mkdtempSync(join(tmpdir(), `modelvet-conf-${folder}-`));
  temps.push(dir);
  const target = join(dir, folder);
  cpSync(join(ROOT, folder), target, { recursive: true });
  for (const name of readdirSync(target)) chmodWritable(join(target, name));
  chmodWritable(target);
  return target;
}

/** cpSync keeps the read-only modes of ../shared; the copies must be writable to tamper with them. */
function chmodWritable(path: string): void {
  chmodSync(path, 0o755);
}

async function failure(promise: Promise<unknown>): Promise<SigningError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SigningError) return error;
    throw error;
  }
  throw new Error("verification succeeded but should have failed");
}

describe.skipIf(!present)("model-signing conformance: reference bundles verify", () => {
  for (const c of CASES) {
    it(`${c.folder} verifies`, async () => {
      const dir = join(ROOT, c.folder);
      const result = await verifyModel(model(c, dir), optionsFor(c, dir));
      expect(result.manifest.items.length).toBeGreaterThan(0);
      expect(result.method).toBe(c.method === "elliptic-key" ? "key" : c.method);
    });
  }
});

describe.skipIf(!present)("model-signing conformance: tampering fails", () => {
  for (const c of CASES) {
    it(`${c.folder}: a flipped byte in a signed file fails and names it`, async () => {
      const dir = copyOf(c.folder);
      const bytes = readFileSync(join(dir, "signme-1"));
      bytes[0] = (bytes[0] as number) ^ 0x01;
      writeFileSync(join(dir, "signme-1"), bytes);
      const error = await failure(verifyModel(model(c, dir), optionsFor(c, dir)));
      expect(error.code).toBe("model-mismatch");
      expect(error.message).toMatch(/^Cannot verify signature: the model differs from the signed manifest: changed \(digest differs\): "(signme-1|\.)"/);
    });

    it(`${c.folder}: a signature byte flipped in the payload fails`, async () => {
      const dir = copyOf(c.folder);
      const bundle = JSON.parse(readFileSync(join(dir, "model.sig"), "utf8")) as { dsseEnvelope: { payload: string } };
      const payload = Buffer.from(bundle.dsseEnvelope.payload, "base64");
      const at = payload.indexOf("signme-1");
      payload[at + 7] = "2".charCodeAt(0); // rename a signed file inside the signed statement
      bundle.dsseEnvelope.payload = payload.toString("base64");
      writeFileSync(join(dir, "model.sig"), JSON.stringify(bundle));
      const error = await failure(verifyModel(model(c, dir), optionsFor(c, dir)));
      expect(["signature-invalid", "sigstore-invalid"]).toContain(error.code);
    });

    if (!c.file) {
      it(`${c.folder}: an added file fails and names it`, async () => {
        const dir = copyOf(c.folder);
        writeFileSync(join(dir, "extra.bin"), "not signed");
        const error = await failure(verifyModel(dir, optionsFor(c, dir)));
        expect(error.code).toBe("model-mismatch");
        expect(error.message).toContain('not signed, but present: "extra.bin"');
      });

      it(`${c.folder}: a removed file fails and names it`, async () => {
        const dir = copyOf(c.folder);
        rmSync(join(dir, "signme-2"));
        const error = await failure(verifyModel(dir, optionsFor(c, dir)));
        expect(error.code).toBe("model-mismatch");
        expect(error.message).toContain('signed, but missing: "signme-2"');
      });
    }

    it(`${c.folder}: another key, CA or identity fails`, async () => {
      const dir = join(ROOT, c.folder);
      const wrong: Partial<VerifyModelOptions> =
        c.method === "certificate"
          ? { certificateChain: [join(TESTDATA, "root-ca.pem")] }
          : c.method === "elliptic-key"
            ? { publicKeys: [join(TESTDATA, "p384.pub.pem")] }
            : { identities: [{ ...IDENTITY, identity: "someone@example.com" }] };
      const error = await failure(verifyModel(model(c, dir), { ...optionsFor(c, dir), ...wrong }));
      const expected = { certificate: "certificate-untrusted", "elliptic-key": "signature-invalid", sigstore: "identity-mismatch" }[c.method];
      expect(error.code).toBe(expected);
    });
  }

  it("a wrong OIDC issuer fails keyless verification", async () => {
    const dir = join(ROOT, "v1.1.0-sigstore");
    const error = await failure(verifyModel(dir, { signaturePath: join(dir, "model.sig"), identities: [{ ...IDENTITY, issuer: "https://accounts.google.com" }] }));
    expect(error.code).toBe("identity-mismatch");
    expect(error.message).toContain('signed by "stefanb@us.ibm.com" from "https://sigstore.verify.ibm.com/oauth2"');
  });

  it("ignore-me must be ignored explicitly where the signature does not record it (v1.0.1)", async () => {
    const c = CASES.find((x) => x.folder === "v1.0.1-elliptic-key") as Case;
    const dir = join(ROOT, c.folder);
    const error = await failure(verifyModel(dir, { ...optionsFor(c, dir), ignorePaths: [] }));
    expect(error.message).toContain('not signed, but present: "ignore-me"');
  });

  it("v1.1.0 records ignore-me in the signature, so it is ignored without the flag", async () => {
    const c = CASES.find((x) => x.folder === "v1.1.0-certificate") as Case;
    const dir = join(ROOT, c.folder);
    await expect(verifyModel(dir, { ...optionsFor(c, dir), ignorePaths: [] })).resolves.toBeDefined();
  });
});

describe.skipIf(!present)("model-signing conformance: modelvet signs with the reference's key and CA", () => {
  it("signs with the reference signing key and verifies with its public key", async () => {
    const dir = copyOf("v1.1.0-elliptic-key");
    const signaturePath = join(dir, "modelvet.sig");
    await signModel(dir, { key: join(KEYS, "signing-key.pem"), signaturePath, ignorePaths: [join(dir, "ignore-me"), join(dir, "model.sig")] });
    const result = await verifyModel(dir, { signaturePath, publicKeys: [join(KEYS, "signing-key-pub.pem")] });
    expect(result.manifest.items.map((i) => i.name)).toEqual(["signme-1", "signme-2"]);
    // Same manifest as the reference's own signature of these files.
    const theirs = await verifyModel(dir, { signaturePath: join(dir, "model.sig"), ignorePaths: [signaturePath], publicKeys: [join(KEYS, "signing-key-pub.pem")] });
    expect(result.manifest.items).toEqual(theirs.manifest.items);
  });

  it("signs with the reference certificate chain and verifies against its CA", async () => {
    const dir = copyOf("v1.1.0-certificate");
    const signaturePath = join(dir, "modelvet.sig");
    await signModel(dir, {
      key: join(KEYS, "signing-key.pem"),
      certificate: join(KEYS, "signing-key-cert.pem"),
      certificateChain: [join(KEYS, "int-ca-cert.pem")],
      signaturePath,
      ignorePaths: [join(dir, "ignore-me"), join(dir, "model.sig")],
    });
    const result = await verifyModel(dir, { signaturePath, certificateChain: [join(KEYS, "ca-cert.pem")] });
    expect(result.method).toBe("certificate");
    appendFileSync(join(dir, "signme-2"), "!");
    const error = await failure(verifyModel(dir, { signaturePath, certificateChain: [join(KEYS, "ca-cert.pem")] }));
    expect(error.code).toBe("model-mismatch");
  });
});
