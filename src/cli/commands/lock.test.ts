import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

const run = runCli;

describe("modelvet hash / lock / verify --lock", () => {
  const dir = tempDir("modelvet-cli-lock-");
  writeFileSync(join(dir, "a.bin"), "abcd");
  const lockFile = join(dir, "modelvet.lock.json");

  it("hash prints the manifest as JSON with sha256 digests", async () => {
    const { code, stdout } = await run(["hash", dir]);
    expect(code).toBe(0);
    const manifest = JSON.parse(stdout) as { resources: unknown[] };
    expect(manifest.resources).toEqual([{ name: "a.bin", algorithm: "sha256", digest: "88d4266fd4e6338d13b845fcf289579d209c897823b9217da3e161936f031589" }]);
  });

  it("hash can shard and use blake2b", async () => {
    const { stdout } = await run(["hash", dir, "--shard-size", "3", "--hash-type", "blake2b"]);
    expect((JSON.parse(stdout) as { resources: { name: string }[] }).resources.map((r) => r.name)).toEqual(["a.bin:0:3", "a.bin:3:4"]);
    expect((await run(["hash", dir, "--shard-size", "0"])).code).toBe(2);
  });

  it("lock writes a lock file that verify --lock accepts, then rejects after a change", async () => {
    const locked = await run(["lock", dir, "--output", lockFile]);
    expect(locked.code).toBe(0);
    expect(locked.stdout).toMatch(/^Wrote .*modelvet\.lock\.json: 1 file\(s\), root sha256 [0-9a-f]{64}\n$/);
    expect(JSON.parse(readFileSync(lockFile, "utf8")).serialization.ignore_paths).toContain("modelvet.lock.json");
    expect((await run(["verify", dir, "--lock", lockFile])).code).toBe(0);
    writeFileSync(join(dir, "b.bin"), "new");
    expect(await run(["verify", dir, "--lock", lockFile])).toEqual({
      code: 1,
      stdout: "",
      stderr: 'modelvet: cannot verify lock file: the model differs from the locked manifest: not locked, but present: "b.bin"\n',
    });
  });
});
