import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../main.js";

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

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "modelvet", ...args], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    isTTY: { stdout: false, stderr: false },
  });
  return { code, stdout, stderr };
}

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

  it("defaults --signature to model.sig (in the current folder), like the reference tool", async () => {
    expect((await run(["sign", "--help"])).stdout).toMatch(/--signature <path> +where to write the signature \(default: "model\.sig"\)/);
    expect((await run(["verify", "--help"])).stdout).toMatch(/--signature <path> +the signature to check \(default:\s+"model\.sig"\)/);
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
