import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { absoluteBinary, hashFile, sameStamp } from "./file-digest.js";
import { toOsPath } from "./os-path.js";

const dir = mkdtempSync(join(tmpdir(), "modelvet-digest-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hashFile", () => {
  it("gives the SHA-256 of the bytes and the stamp they had, across read chunks", async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    writeFileSync(join(dir, "big.bin"), bytes);
    const digest = await hashFile(toOsPath(join(dir, "big.bin")), { noFollow: true });
    expect(digest?.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(digest?.stamp.size).toBe(BigInt(bytes.length));
    expect(sameStamp(digest!.stamp, { ...digest!.stamp, ctimeNs: digest!.stamp.ctimeNs + 1n })).toBe(false);
  });

  it("hashes an empty file", async () => {
    writeFileSync(join(dir, "empty"), "");
    expect((await hashFile(toOsPath(join(dir, "empty")), { noFollow: true }))?.sha256).toBe(createHash("sha256").digest("hex"));
  });

  it("gives no digest for a folder, a missing path, or a link it must not follow", async () => {
    writeFileSync(join(dir, "target"), "x");
    symlinkSync(join(dir, "target"), join(dir, "link"));
    expect(await hashFile(toOsPath(dir), { noFollow: false })).toBeUndefined();
    expect(await hashFile(toOsPath(join(dir, "missing")), { noFollow: false })).toBeUndefined();
    expect(await hashFile(toOsPath(join(dir, "link")), { noFollow: true })).toBeUndefined();
    expect(await hashFile(toOsPath(join(dir, "link")), { noFollow: false })).toBeDefined();
  });

  it("makes relative paths absolute against the working folder", () => {
    expect(absoluteBinary(toOsPath("a/b"))).toBe(join(process.cwd(), "a/b"));
    expect(absoluteBinary(toOsPath("/x/../y"))).toBe("/y");
  });
});
