import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { extractArchive } from "./safe-extract.js";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
const EXTRACT = join(FIXTURES, "extract");
const work = mkdtempSync(join(tmpdir(), "modelvet-extract-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface TreeEntry {
  type: "file" | "dir" | "symlink";
  sha256?: string;
  mode?: string;
}
const expected = JSON.parse(readFileSync(join(EXTRACT, "expected.json"), "utf8")) as { archives: Record<string, { tree: Record<string, TreeEntry> }> };

/** Everything under `root`, by relative path; fails the test on any symlink. */
function listing(root: string): Record<string, TreeEntry> {
  const out: Record<string, TreeEntry> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const rel = relative(root, full);
      const info = lstatSync(full);
      expect(info.isSymbolicLink(), `${rel} is a symlink`).toBe(false);
      expect(info.mode & 0o7000, `${rel} has setuid/setgid/sticky bits`).toBe(0);
      if (info.isDirectory()) {
        out[rel] = { type: "dir" };
        walk(full);
      } else {
        expect(info.isFile(), `${rel} is not a regular file`).toBe(true);
        out[rel] = { type: "file", sha256: createHash("sha256").update(readFileSync(full)).digest("hex"), mode: `0o${(info.mode & 0o777).toString(8)}` };
      }
    }
  };
  walk(root);
  return out;
}

/**
 * Files Python's safe extraction writes that modelvet deliberately does not, per archive, with
 * the reason. Everything else must match exactly (same files, same bytes, same modes).
 */
const PYTHON_ONLY: Record<string, Record<string, string>> = {
  "links.tar": {},
  "traversal.tar": {
    "C:\\evil4.txt": "a drive letter: refused (on Windows it would leave DEST)",
    "a\\..\\..\\evil5.txt": "backslash '..' segments: refused (a separator on Windows)",
    "abs/evil3.txt": "an absolute name: refused, where tarfile strips the leading slash",
  },
  "case_collision.tar": { "model.bin": "collides with Model.bin on case-insensitive file systems", "DIR/file": "collides with dir/File" },
  "mleap_cve_2023_5245.zip": {
    "tmp/mleap_evil.txt": "'..' name: refused, where zipfile drops the '..'",
    "root/mleap_evil2.txt": "'..' name: refused",
    "tmp/mleap_abs.txt": "absolute name: refused",
  },
  "zip_symlink.zip": { "data/link": "a symlink entry: never created (zipfile writes its target as a file)" },
  "zeros_bomb.tar.gz": { "zeros.bin": "passes 1000 times the archive size (maxRatio)" },
};

describe("extract matches Python's safe extraction (tarfile filter='data', zipfile)", () => {
  for (const [name, reference] of Object.entries(expected.archives)) {
    it(name, async () => {
      const dest = join(work, `ref-${name}`);
      const result = await extractArchive(join(EXTRACT, name), dest);
      const ours = listing(dest);
      const allowed = PYTHON_ONLY[name] ?? {};
      const pythonFiles = Object.entries(reference.tree).filter(([path, e]) => e.type === "file" && !(path in allowed));
      const ourFiles = Object.entries(ours).filter(([, e]) => e.type === "file");
      expect(Object.fromEntries(ourFiles)).toEqual(Object.fromEntries(pythonFiles));
      for (const path of Object.keys(allowed)) expect(ours[path]).toBeUndefined();
      expect(result.plan.skipped.length + result.skipped.length).toBeGreaterThanOrEqual(name.startsWith("plain") ? 0 : 1);
    });
  }

  it("stops the small bomb at a named limit", async () => {
    const result = await extractArchive(join(EXTRACT, "zeros_bomb.tar.gz"), join(work, "bomb"));
    expect(result.written).toEqual([]);
    expect(result.plan.skipped[0]?.code).toBe("limit");
    expect(result.plan.skipped[0]?.reason).toMatch(/\((MAX_COMPRESSION_RATIO|maxInflatedBytes)\)$/);
  });

  it("stops at the total byte limit and names it", async () => {
    const result = await extractArchive(join(EXTRACT, "plain.tar"), join(work, "bytes-limit"), { limits: { maxBytes: 100 } });
    expect(result.plan.skipped.find((s) => s.code === "limit")?.reason).toMatch(/maxBytes/);
  });

  it("stops at the entry limit and names it", async () => {
    const result = await extractArchive(join(EXTRACT, "traversal.tar"), join(work, "entry-limit"), { limits: { maxEntries: 1 } });
    expect(result.written).toEqual(["ok.txt"]);
    expect(result.plan.skipped.at(-1)?.reason).toMatch(/maxEntries/);
  });
});

describe("extract never leaves DEST", () => {
  it("reports each skipped link, special file, unsafe name and collision with its reason", async () => {
    const links = await extractArchive(join(EXTRACT, "links.tar"), join(work, "links"));
    const codes = Object.fromEntries(links.plan.skipped.map((s) => [s.name, s.code]));
    expect(codes).toMatchObject({ "model/inside-link": "symlink", "model/outside-link": "symlink", escape: "symlink", "model/hard-out": "hardlink", "hard-via-symlink": "hardlink" });
    expect(links.plan.entries.find((e) => e.name === "model/hard-copy")?.copyOf).toBe("model/weights.bin");
    const traversal = await extractArchive(join(EXTRACT, "traversal.tar"), join(work, "traversal"));
    const t = Object.fromEntries(traversal.plan.skipped.map((s) => [s.name, s.code]));
    expect(t).toMatchObject({ "../evil.txt": "unsafe-path", "/abs/evil3.txt": "unsafe-path", "C:\\evil4.txt": "unsafe-path", "dev/null-dev": "special-file", "dev/fifo": "special-file" });
    const cases = await extractArchive(join(EXTRACT, "case_collision.tar"), join(work, "cases"));
    expect(cases.plan.skipped.map((s) => s.code)).toEqual(["case-collision", "case-collision"]);
  });

  it("does not follow a symlinked folder already in DEST", async () => {
    const dest = join(work, "pre-linked");
    const outside = join(work, "outside");
    mkdirSync(dest);
    mkdirSync(outside);
    symlinkSync(outside, join(dest, "model"));
    const result = await extractArchive(join(EXTRACT, "plain.tar"), dest);
    expect(result.written).toEqual([]);
    expect(result.skipped[0]?.reason).toMatch(/symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it("leaves existing files alone unless asked, and replaces a symlink without following it", async () => {
    const dest = join(work, "existing");
    mkdirSync(join(dest, "model"), { recursive: true });
    writeFileSync(join(dest, "model/config.json"), "mine");
    const victim = join(work, "victim.txt");
    writeFileSync(victim, "victim");
    symlinkSync(victim, join(dest, "model/weights.bin"));
    const first = await extractArchive(join(EXTRACT, "plain.zip"), dest);
    expect(first.written).toEqual([]);
    expect(first.skipped.map((s) => s.reason).join(" ")).toMatch(/already exists/);
    const second = await extractArchive(join(EXTRACT, "plain.zip"), dest, { overwrite: true });
    expect(second.written.sort()).toEqual(["model/config.json", "model/weights.bin"]);
    expect(readFileSync(victim, "utf8")).toBe("victim");
    expect(lstatSync(join(dest, "model/weights.bin")).isSymbolicLink()).toBe(false);
  });

  it("writes nothing outside DEST for any archive fixture in fixtures/", async () => {
    // fixtures/realworld holds ordinary framework checkpoints (zips with safe names): extracting
    // them adds time, not coverage; every hostile and every other archive fixture is here.
    const archives = findArchives(FIXTURES).filter((file) => !relative(FIXTURES, file).startsWith("realworld/"));
    expect(archives.length).toBeGreaterThan(20);
    for (const file of archives) {
      const dest = join(work, "all", relative(FIXTURES, file).replaceAll("/", "_"));
      await extractArchive(file, dest);
      listing(dest);
    }
    for (const leaked of ["/tmp/pwned.txt", "/tmp/pwned2.txt", "/tmp/mleap_evil.txt", "/tmp/mleap_abs.txt", join(work, "evil.txt")]) expect(existsSync(leaked)).toBe(false);
  });
});

/** Zip, tar and compressed files among the fixtures, by their first bytes. */
function findArchives(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const info = lstatSync(full);
      if (info.isDirectory()) walk(full);
      else if (info.isFile() && info.size < 8 * 1024 * 1024 && isArchive(readFileSync(full).subarray(0, 512))) out.push(full);
    }
  };
  walk(root);
  return out;
}

function isArchive(head: Uint8Array): boolean {
  const starts = (...bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);
  const ustar = head.length >= 262 && String.fromCharCode(...head.subarray(257, 262)) === "ustar";
  return starts(0x50, 0x4b) || starts(0x1f, 0x8b) || starts(0x42, 0x5a, 0x68) || starts(0xfd, 0x37, 0x7a, 0x58, 0x5a) || starts(0x28, 0xb5, 0x2f, 0xfd) || ustar;
}
