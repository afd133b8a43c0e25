import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SigningError } from "./errors.js";
import { parseLock, renderLock } from "./lock.js";
import type { Manifest } from "./manifest.js";

const sha256 = (d: Uint8Array) => new Uint8Array(createHash("sha256").update(d).digest());
const manifest: Manifest = {
  modelName: "m",
  serialization: { method: "shards", hashType: "sha256", shardSize: 4096, allowSymlinks: false, ignorePaths: [] },
  items: [{ name: "w.bin:0:4096", algorithm: "sha256-sharded-4096", digest: "aa".repeat(32) }],
};

describe("lock files", () => {
  it("round-trip a manifest", () => {
    const text = renderLock(manifest, sha256);
    expect(text).toMatch(/^\{\n {2}"mediaType": "application\/vnd\.modelvet\.lock\.v1\+json",/);
    expect(parseLock(text, sha256)).toEqual(manifest);
  });
  it("reject an edited lock file as inconsistent, in the lock voice", () => {
    const edited = renderLock(manifest, sha256).replace("aaaa", "bbbb");
    try {
      parseLock(edited, sha256);
      throw new Error("parsed");
    } catch (error) {
      expect(error).toBeInstanceOf(SigningError);
      expect((error as SigningError).code).toBe("lock-invalid");
      expect((error as Error).message).toMatch(/^Cannot verify lock file: the lock file is inconsistent/);
    }
  });
  it("reject other JSON", () => {
    expect(() => parseLock('{"mediaType":"x"}', sha256)).toThrow(/has mediaType "x"/);
  });
});
