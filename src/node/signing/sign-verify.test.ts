import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseBundle } from "../../signing/bundle.js";
import { SigningError } from "../../signing/errors.js";
import { signModel } from "./sign-model.js";
import { verifyLock, verifyModel, manifestOf, type VerifyModelOptions } from "./verify-model.js";
import { renderLock } from "../../signing/lock.js";
import { sha256 } from "./sha256.js";

/** Temp folders made by this file, removed when it is done (/tmp is shared). */
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

const KEYS = new URL("../../signing/testdata/", import.meta.url).pathname;
const k = (name: string) => join(KEYS, name);

function model(): string {
  const dir = tempDir("modelvet-sign-");
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "config.json"), '{"a":1}');
  writeFileSync(join(dir, "sub", "weights.bin"), Buffer.alloc(10_000, 7));
  writeFileSync(join(dir, "empty.txt"), "");
  mkdirSync(join(dir, ".git"));
  writeFileSync(join(dir, ".git", "HEAD"), "ref: main");
  return dir;
}

async function failure(promise: Promise<unknown>): Promise<SigningError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SigningError) return error;
    throw error;
  }
  throw new Error("succeeded but should have failed");
}

const verify = (dir: string, options: Partial<VerifyModelOptions>) => verifyModel(dir, { signaturePath: join(dir, "model.sig"), ...options });

describe("sign then verify with a key", () => {
  for (const curve of ["p256", "p384", "p521"]) {
    it(`round-trips with ${curve}`, async () => {
      const dir = model();
      const signed = await signModel(dir, { key: k(`${curve}.pem`), signaturePath: join(dir, "model.sig") });
      expect(signed.manifest.items.map((i) => i.name)).toEqual(["config.json", "empty.txt", "sub/weights.bin"]);
      const result = await verify(dir, { publicKeys: [k(`${curve}.pub.pem`)] });
      expect(result.signer).toContain(`ECDSA P-${curve.slice(1)}`);
      expect(result.notes).toEqual([]);
    });
  }

  it("records the signature file and git paths as ignored, and the key hint", async () => {
    const dir = model();
    await signModel(dir, { key: k("p256.pem"), signaturePath: join(dir, "model.sig") });
    const bundle = parseBundle(readFileSync(join(dir, "model.sig"), "utf8"));
    const statement = JSON.parse(new TextDecoder().decode(bundle.payload)) as { predicate: { serialization: { ignore_paths: string[] } } };
    expect(statement.predicate.serialization.ignore_paths).toEqual(["model.sig", ".git", ".gitattributes", ".github", ".gitignore"]);
    expect(bundle.material).toMatchObject({ method: "key" });
  });

  it("fails with another key and says the key differs", async () => {
    const dir = model();
    await signModel(dir, { key: k("p256.pem"), signaturePath: join(dir, "model.sig") });
    const error = await failure(verify(dir, { publicKeys: [k("other-p256.pub.pem")] }));
    expect(error.code).toBe("signature-invalid");
    expect(error.message).toMatch(/^Cannot verify signature: the signature was made with key [0-9a-f]{16}…, not with a trusted key/);
  });

  it("accepts any one of several trusted keys", async () => {
    const dir = model();
    await signModel(dir, { key: k("p384.pem"), signaturePath: join(dir, "model.sig") });
    await expect(verify(dir, { publicKeys: [k("p256.pub.pem"), k("p384.pub.pem")] })).resolves.toBeDefined();
  });

  it("names changed, added and removed files", async () => {
    const dir = model();
    await signModel(dir, { key: k("p256.pem"), signaturePath: join(dir, "model.sig") });
    appendFileSync(join(dir, "sub", "weights.bin"), "x");
    writeFileSync(join(dir, "sub", "evil.pkl"), "x");
    rmSync(join(dir, "config.json"));
    const error = await failure(verify(dir, { publicKeys: [k("p256.pub.pem")] }));
    expect(error.message).toBe(
      'Cannot verify signature: the model differs from the signed manifest: changed (digest differs): "sub/weights.bin"; signed, but missing: "config.json"; not signed, but present: "sub/evil.pkl"',
    );
  });

  it("detects an added empty file and changes to git paths only when they are signed", async () => {
    const dir = model();
    await signModel(dir, { key: k("p256.pem"), signaturePath: join(dir, "model.sig") });
    writeFileSync(join(dir, ".git", "HEAD"), "changed");
    await expect(verify(dir, { publicKeys: [k("p256.pub.pem")] })).resolves.toBeDefined();
    writeFileSync(join(dir, "new-empty"), "");
    expect((await failure(verify(dir, { publicKeys: [k("p256.pub.pem")] }))).message).toContain('"new-empty"');
  });

  it("shard mode: a file name with a newline verifies; an empty file has no shard (as the reference)", async () => {
    const dir = model();
    writeFileSync(join(dir, "two\nlines.bin"), "abc");
    const signed = await signModel(dir, { key: k("p256.pem"), signaturePath: join(dir, "model.sig"), shardSize: 4096 });
    expect(signed.manifest.items.map((i) => i.name)).toContain("two\nlines.bin:0:3");
    expect(signed.manifest.items.some((i) => i.name.startsWith("empty.txt"))).toBe(false);
    await expect(verify(dir, { publicKeys: [k("p256.pub.pem")] })).resolves.toBeDefined();
  });

  it("signs shards and blake2b, and verifies with the recorded serialization", async () => {
    const dir = model();
    const signed = await signModel(dir, { key: k("p256.pem"), signaturePath: join(dir, "model.sig"), shardSize: 4096, hashType: "blake2b" });
    expect(signed.manifest.items.map((i) => i.name)).toEqual(["config.json:0:7", "sub/weights.bin:0:4096", "sub/weights.bin:4096:8192", "sub/weights.bin:8192:10000"]);
    expect(signed.manifest.items[0]?.algorithm).toBe("blake2b-sharded-4096");
    expect(signed.manifest.items[0]?.digest).toHaveLength(128);
    await expect(verify(dir, { publicKeys: [k("p256.pub.pem")] })).resolves.toBeDefined();
    const bytes = readFileSync(join(dir, "sub", "weights.bin"));
    bytes[5000] = 1;
    writeFileSync(join(dir, "sub", "weights.bin"), bytes);
    expect((await failure(verify(dir, { publicKeys: [k("p256.pub.pem")] }))).message).toContain('changed (digest differs): "sub/weights.bin:4096:8192"');
  });

  it("signs a single file as a model named '.'", async () => {
    const dir = model();
    const file = join(dir, "config.json");
    const signed = await signModel(file, { key: k("p256.pem"), signaturePath: join(dir, "file.sig") });
    expect(signed.manifest.items.map((i) => i.name)).toEqual(["."]);
    await expect(verifyModel(file, { signaturePath: join(dir, "file.sig"), publicKeys: [k("p256.pub.pem")] })).resolves.toBeDefined();
  });

  it("refuses keys that model signing does not allow", async () => {
    const dir = model();
    const rsa = await failure(signModel(dir, { key: k("rsa.pem"), signaturePath: join(dir, "model.sig") }));
    expect(rsa.message).toBe(`Cannot sign model: the private key "${k("rsa.pem")}" is a RSA key; model signing uses ECDSA on P-256, P-384 or P-521`);
    const k256 = await failure(signModel(dir, { key: k("k256.pem"), signaturePath: join(dir, "model.sig") }));
    expect(k256.message).toContain("is an EC key on secp256k1");
    const missing = await failure(signModel(dir, { key: k("nope.pem"), signaturePath: join(dir, "model.sig") }));
    expect(missing.code).toBe("key-material");
    expect(missing.message).toContain("no such file");
  });
});

describe("sign then verify with a certificate", () => {
  const certOptions = (dir: string, leaf = "signer.pem", key = "p256.pem", chain = ["int-ca.pem"]) => ({
    key: k(key),
    certificate: k(leaf),
    certificateChain: chain.map(k),
    signaturePath: join(dir, "model.sig"),
  });

  it("round-trips through an intermediate to the root", async () => {
    const dir = model();
    await signModel(dir, certOptions(dir));
    const result = await verify(dir, { certificateChain: [k("root-ca.pem")] });
    expect(result.signer).toContain('certificate "CN=model signer"');
  });

  it("accepts a signer with ExtendedKeyUsage codeSigning but no digitalSignature", async () => {
    const dir = model();
    await signModel(dir, certOptions(dir, "signer-eku.pem", "p384.pem"));
    await expect(verify(dir, { certificateChain: [k("root-ca.pem")] })).resolves.toBeDefined();
  });

  it("refuses a certificate that may not sign", async () => {
    const dir = model();
    await signModel(dir, certOptions(dir, "signer-nosign.pem"));
    const error = await failure(verify(dir, { certificateChain: [k("root-ca.pem")] }));
    expect(error.code).toBe("certificate-untrusted");
    expect(error.message).toMatch(/may not sign: its KeyUsage lacks digitalSignature and its ExtendedKeyUsage lacks codeSigning$/);
  });

  it("refuses an untrusted CA and names the issuer", async () => {
    const dir = model();
    await signModel(dir, certOptions(dir));
    const error = await failure(verify(dir, { certificateChain: [k("other-root-ca.pem")] }));
    expect(error.message).toMatch(/^Cannot verify signature: "CN=modelvet test intermediate CA" \(serial [0-9a-f]+\) was not issued by a trusted certificate or by a certificate in the signature \(issuer "CN=modelvet test root CA"; trusted: "CN=modelvet other root CA"/);
  });

  it("refuses a chain whose intermediate had expired when the signer was issued", async () => {
    const dir = model();
    await signModel(dir, certOptions(dir, "signer-under-expired.pem", "p256.pem", ["expired-int-ca.pem"]));
    const error = await failure(verify(dir, { certificateChain: [k("root-ca.pem")] }));
    expect(error.message).toMatch(/the intermediate certificate "CN=modelvet expired intermediate CA" .* had expired when the signing certificate was issued .*expired 2001-01-01T00:00:00.000Z/);
  });

  it("refuses an issuer that is not a CA", async () => {
    const dir = model();
    await signModel(dir, certOptions(dir, "signer-under-notca.pem", "p521.pem", ["notca.pem", "int-ca.pem"]));
    const error = await failure(verify(dir, { certificateChain: [k("root-ca.pem")] }));
    expect(error.message).toContain('"CN=not a CA"');
    expect(error.message).toContain("is not a CA");
  });

  it("refuses a certificate for another key when signing", async () => {
    const dir = model();
    const error = await failure(signModel(dir, certOptions(dir, "signer.pem", "p384.pem")));
    expect(error.message).toContain("is for another key than");
  });

  it("says how to verify when the trust given does not fit the signature", async () => {
    const dir = model();
    await signModel(dir, certOptions(dir));
    const error = await failure(verify(dir, { publicKeys: [k("p256.pub.pem")] }));
    expect(error.code).toBe("method-mismatch");
    expect(error.message).toBe("Cannot verify signature: the model was signed with a certificate (private PKI); pass the CA certificates with --certificate-chain");
  });
});

describe("verification problems that are not tampering", () => {
  it("a missing signature says the model is unsigned", async () => {
    const dir = model();
    const error = await failure(verify(dir, { publicKeys: [k("p256.pub.pem")] }));
    expect(error.code).toBe("signature-missing");
    expect(error.message).toBe(`Cannot verify signature: no signature file at "${join(dir, "model.sig")}"; the model is unsigned, or pass --signature PATH`);
  });

  it("no trusted signer is a usage error", async () => {
    const error = await failure(verify(model(), {}));
    expect(error.code).toBe("usage");
  });

  it("symlinks are refused unless allowed, on both sides", async () => {
    const dir = model();
    symlinkSync("config.json", join(dir, "alias.json"));
    const refused = await failure(signModel(dir, { key: k("p256.pem"), signaturePath: join(dir, "model.sig") }));
    expect(refused.message).toBe('Cannot sign model: "alias.json" is a symlink; pass --allow-symlinks to follow symlinks (only if the signer did too)');
    await signModel(dir, { key: k("p256.pem"), signaturePath: join(dir, "model.sig"), allowSymlinks: true });
    expect((await failure(verify(dir, { publicKeys: [k("p256.pub.pem")] }))).code).toBe("model-unreadable");
    await expect(verify(dir, { publicKeys: [k("p256.pub.pem")], allowSymlinks: true })).resolves.toBeDefined();
  });

  it("ignore paths given relative to the current folder leave files out", async () => {
    const dir = model();
    writeFileSync(join(dir, "README.md"), "notes");
    await signModel(dir, { key: k("p256.pem"), signaturePath: join(dir, "model.sig"), ignorePaths: ["README.md"], cwd: dir });
    writeFileSync(join(dir, "README.md"), "edited notes");
    await expect(verify(dir, { publicKeys: [k("p256.pub.pem")] })).resolves.toBeDefined();
  });
});

describe("lock files", () => {
  it("pin digests and name what changed", async () => {
    const dir = model();
    const lockPath = join(dir, "modelvet.lock.json");
    const manifest = await manifestOf(dir, { method: "files", hashType: "sha256", allowSymlinks: false }, { signaturePath: lockPath });
    writeFileSync(lockPath, renderLock(manifest, sha256));
    await expect(verifyLock(dir, lockPath, {})).resolves.toBeDefined();
    writeFileSync(join(dir, "config.json"), "{}");
    const error = await failure(verifyLock(dir, lockPath, {}));
    expect(error.message).toBe('Cannot verify lock file: the model differs from the locked manifest: changed (digest differs): "config.json"');
  });
});
