import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../test-support/run-cli.js";

/** Temp folders made by this file, removed when it is done (/tmp is shared). */
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

const KEYS = new URL("../../signing/testdata/", import.meta.url).pathname;
const CONFORMANCE = new URL("../../../../shared/conformance/model-signing/", import.meta.url).pathname;

const run = runCli;

function model(): string {
  const dir = tempDir("modelvet-cli-sign-");
  writeFileSync(join(dir, "weights.bin"), "weights");
  writeFileSync(join(dir, "config.json"), "{}");
  return dir;
}

describe("modelvet sign / verify", () => {
  it("signs with a key and verifies with the public key (exit 0)", async () => {
    const dir = model();
    const sig = join(dir, "model.sig");
    const signed = await run(["sign", dir, "--key", join(KEYS, "p384.pem"), "--signature", sig]);
    expect(signed).toMatchObject({ code: 0, stderr: "" });
    expect(signed.stdout).toMatch(/^Signing succeeded: wrote .*model\.sig for 2 file\(s\), signed with key [0-9a-f]{16}… \(ECDSA P-384\)\n$/);
    const verified = await run(["verify", dir, "--signature", sig, "--public-key", join(KEYS, "p384.pub.pem")]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^Verification succeeded: .* signed with key/);
  });

  it("exits 1 with the difference on stderr when a file changed", async () => {
    const dir = model();
    const sig = join(dir, "model.sig");
    await run(["sign", dir, "--key", join(KEYS, "p256.pem"), "--signature", sig]);
    appendFileSync(join(dir, "weights.bin"), "!");
    const result = await run(["verify", dir, "--signature", sig, "--public-key", join(KEYS, "p256.pub.pem")]);
    expect(result).toEqual({ code: 1, stdout: "", stderr: 'modelvet: cannot verify signature: the model differs from the signed manifest: changed (digest differs): "weights.bin"\n' });
  });

  it("accepts the reference CLI's spellings (--private_key, --public_key, --certificate_chain, --signing_certificate)", async () => {
    const dir = model();
    const sig = join(dir, "model.sig");
    expect((await run(["sign", dir, "--private_key", join(KEYS, "p256.pem"), "--signing_certificate", join(KEYS, "signer.pem"), "--certificate_chain", join(KEYS, "int-ca.pem"), "--signature", sig])).code).toBe(0);
    expect((await run(["verify", dir, "--signature", sig, "--certificate_chain", join(KEYS, "root-ca.pem")])).code).toBe(0);
    const key = model();
    await run(["sign", key, "--key", join(KEYS, "p256.pem"), "--signature", join(key, "model.sig")]);
    expect((await run(["verify", key, "--signature", join(key, "model.sig"), "--public_key", join(KEYS, "p256.pub.pem")])).code).toBe(0);
  });

  it("says in --help where the signature goes by default: inside the model", async () => {
    expect((await run(["sign", "--help"])).stdout).toMatch(/where to write the signature\s+\(default:\s+model\.sig\s+inside\s+a\s+model\s+folder/);
    expect((await run(["verify", "--help"])).stdout).toMatch(/the signature to check\s+\(default:\s+model\.sig\s+inside\s+a\s+model\s+folder/);
  });

  it("exits 2 for usage problems: no key, no trusted signer, identity without provider, unreadable key", async () => {
    const dir = model();
    expect(await run(["sign", dir])).toMatchObject({ code: 2, stderr: expect.stringContaining("sign needs --key PEM") });
    expect(await run(["verify", dir])).toMatchObject({ code: 2, stderr: expect.stringContaining("say whom to trust") });
    expect(await run(["verify", dir, "--identity", "me@example.com"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--identity and --identity-provider go together") });
    expect(await run(["sign", dir, "--key", join(KEYS, "missing.pem"), "--signature", join(dir, "s")])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^modelvet: cannot sign model: cannot read the private key .*: no such file\n$/) });
  });

  it("exits 1 for an unsigned model", async () => {
    const dir = model();
    const result = await run(["verify", dir, "--signature", join(dir, "model.sig"), "--public-key", join(KEYS, "p256.pub.pem")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the model is unsigned");
  });

  it.skipIf(!existsSync(CONFORMANCE))("verifies a reference keyless bundle offline with --identity and --identity-provider", async () => {
    const dir = join(CONFORMANCE, "v1.1.0-sigstore");
    const result = await run(["verify", dir, "--signature", join(dir, "model.sig"), "--identity", "stefanb@us.ibm.com", "--identity_provider", "https://sigstore.verify.ibm.com/oauth2", "--ignore-paths", join(dir, "ignore-me")]);
    expect(result.stdout).toContain("stefanb@us.ibm.com (issuer https://sigstore.verify.ibm.com/oauth2, Sigstore keyless)");
    expect(result.code).toBe(0);
  });

  it.skipIf(!existsSync(CONFORMANCE))("notes an old key-signature format on stderr without failing", async () => {
    const dir = join(CONFORMANCE, "v1.0.1-elliptic-key");
    const result = await run(["verify", dir, "--signature", join(dir, "model.sig"), "--public-key", join(CONFORMANCE, "keys/certificate/signing-key-pub.pem"), "--ignore-paths", join(dir, "ignore-me")]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("modelvet: note: the signature uses the pre-1.1 key format without a key hint; re-sign to record one\n");
  });
});

describe("one default signature place, shared by sign, verify, lock and scan", () => {
  const pub = ["--public-key", join(KEYS, "p256.pub.pem")];

  it("sign writes <model>/model.sig; verify and scan --require-signature find it; the scan lists it once", async () => {
    const dir = model();
    const signed = await run(["sign", dir, "--key", join(KEYS, "p256.pem")]);
    expect(signed.code).toBe(0);
    expect(existsSync(join(dir, "model.sig"))).toBe(true);
    expect((await run(["verify", dir, ...pub])).code).toBe(0);
    const scanned = await run(["scan", dir, "--require-signature", ...pub, "--format", "json"]);
    expect(scanned.code).toBe(0);
    const report = JSON.parse(scanned.stdout) as { files: { path: string }[] };
    expect(report.files.filter((f) => f.path.endsWith("model.sig"))).toHaveLength(1);
  });

  it("a one-file model gets FILE.sig next to it", async () => {
    const dir = model();
    const file = join(dir, "weights.bin");
    expect((await run(["sign", file, "--key", join(KEYS, "p256.pem")])).code).toBe(0);
    expect(existsSync(`${file}.sig`)).toBe(true);
    expect((await run(["verify", file, ...pub])).code).toBe(0);
  });

  it("lock before sign: the lock still verifies after signing", async () => {
    const dir = model();
    const lock = join(tempDir("modelvet-cli-lockfile-"), "modelvet.lock.json");
    expect((await run(["lock", dir, "-o", lock])).code).toBe(0);
    expect((await run(["sign", dir, "--key", join(KEYS, "p256.pem")])).code).toBe(0);
    expect(await run(["verify", dir, "--lock", lock])).toMatchObject({ code: 0 });
  });

  it("refuses to overwrite an explicit --signature that exists, unless --force", async () => {
    const shared = join(tempDir("modelvet-cli-shared-"), "shared.sig");
    const first = model();
    const second = model();
    expect((await run(["sign", first, "--key", join(KEYS, "p256.pem"), "--signature", shared])).code).toBe(0);
    const refused = await run(["sign", second, "--key", join(KEYS, "p256.pem"), "--signature", shared]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("already exists (it may sign another model); pass --force");
    expect((await run(["sign", second, "--key", join(KEYS, "p256.pem"), "--signature", shared, "--force"])).code).toBe(0);
  });

  it("says that a signature belongs to another model", async () => {
    const first = model();
    const other = tempDir("modelvet-cli-other-");
    writeFileSync(join(other, "different.bin"), "x");
    await run(["sign", first, "--key", join(KEYS, "p256.pem")]);
    const result = await run(["verify", other, "--signature", join(first, "model.sig"), ...pub]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("this signature belongs to another model");
  });

  it("scanning one file of a signed folder says the signature covers the folder", async () => {
    const dir = model();
    await run(["sign", dir, "--key", join(KEYS, "p256.pem")]);
    const result = await run(["scan", join(dir, "weights.bin"), "--require-signature", ...pub]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("SIG001");
    expect(result.stdout).toContain("is one file of a signed folder");
  });
});

describe.skipIf(!existsSync(CONFORMANCE))("reference model_signing fixtures still verify with an explicit --signature", () => {
  const keys = join(CONFORMANCE, "keys/certificate");
  const cases: [string, string[], string][] = [
    ["v0.2.0-certificate", ["--certificate-chain", join(keys, "ca-cert.pem")], ""],
    ["v0.3.1-certificate", ["--certificate-chain", join(keys, "ca-cert.pem")], ""],
    ["v1.0.0-certificate", ["--certificate-chain", join(keys, "ca-cert.pem")], ""],
    ["v1.0.1-certificate", ["--certificate-chain", join(keys, "ca-cert.pem")], "ignore-me"],
    ["v1.1.0-certificate", ["--certificate-chain", join(keys, "ca-cert.pem")], "ignore-me"],
    ["v0.3.1-elliptic-key", ["--public-key", join(keys, "signing-key-pub.pem")], "signme-1"],
    ["v1.0.0-elliptic-key", ["--public-key", join(keys, "signing-key-pub.pem")], "signme-1"],
    ["v1.0.1-elliptic-key", ["--public-key", join(keys, "signing-key-pub.pem")], "ignore-me"],
    ["v1.1.0-elliptic-key", ["--public-key", join(keys, "signing-key-pub.pem")], "ignore-me"],
  ];
  for (const [name, trust, extra] of cases) {
    it(name, async () => {
      const dir = join(CONFORMANCE, name);
      // The old key fixtures sign the single file signme-1; the newer ones ignore ignore-me.
      const target = extra === "signme-1" ? join(dir, "signme-1") : dir;
      const ignore = extra === "ignore-me" ? ["--ignore-paths", join(dir, "ignore-me")] : [];
      const result = await run(["verify", target, "--signature", join(dir, "model.sig"), ...trust, ...ignore]);
      expect(result.stderr.replace(/^modelvet: note: .*\n/gm, "")).toBe("");
      expect(result.code).toBe(0);
    });
  }
});
