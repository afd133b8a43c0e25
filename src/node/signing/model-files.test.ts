import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listModelFiles } from "./model-files.js";

/** Temp folders made by this file, removed when it is done (/tmp is shared). */
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

const options = { ignorePaths: [] as string[], allowSymlinks: false, stage: "hash" as const };

describe("listing a model's files", () => {
  it("lists every regular file, hidden ones too, in name order, without ignored paths", async () => {
    const dir = tempDir("modelvet-files-");
    mkdirSync(join(dir, "b"));
    mkdirSync(join(dir, ".cache"));
    writeFileSync(join(dir, "b", "z"), "1");
    writeFileSync(join(dir, "a"), "22");
    writeFileSync(join(dir, ".cache", "x"), "");
    const files = await listModelFiles(dir, options);
    expect(files.map((f) => [f.name, f.size]).sort()).toEqual([[".cache/x", 0], ["a", 2], ["b/z", 1]]);
    expect((await listModelFiles(dir, { ...options, ignorePaths: [".cache", "b/z"] })).map((f) => f.name)).toEqual(["a"]);
  });
  it("refuses a model with nothing left to sign", async () => {
    const dir = tempDir("modelvet-files-");
    await expect(listModelFiles(dir, options)).rejects.toThrow(/has no regular files once ignored paths are left out/);
  });
  it("refuses special files; with symlinks allowed, does not enter a symlinked folder (as the reference)", async () => {
    const dir = tempDir("modelvet-files-");
    mkdirSync(join(dir, "real"));
    writeFileSync(join(dir, "real", "w"), "w");
    symlinkSync("real", join(dir, "link"));
    symlinkSync(".", join(dir, "real", "loop"));
    const followed = await listModelFiles(dir, { ...options, allowSymlinks: true });
    expect(followed.map((f) => f.name).sort()).toEqual(["real/w"]);
    execFileSync("mkfifo", [join(dir, "pipe")]);
    await expect(listModelFiles(dir, { ...options, allowSymlinks: true })).rejects.toThrow(/"pipe" is a FIFO, not a regular file or folder/);
  });
});
