import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUNDLE_ID_LENGTH, BUNDLE_ID_PREFIX, cacheFileOf, loadBundle } from "./bundle-loader.js";

describe("loadBundle", () => {
  const dir = mkdtempSync(join(tmpdir(), "modelvet-bundle-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const id = "0123456789abcdef0123456789abcdef";
  const otherId = "fedcba9876543210fedcba9876543210";
  expect(id).toHaveLength(BUNDLE_ID_LENGTH);

  /** A bundle like tools/bundle.mjs writes: the id line, then CommonJS that uses require and __dirname. */
  const writeBundle = (name: string, answer: number): string => {
    const file = join(dir, name);
    const body = `const { basename } = require("node:path");\nexports.answer = () => ${answer};\nexports.folder = basename(__dirname);\nexports.twice = (n) => n * 2;\n`;
    writeFileSync(file, `${BUNDLE_ID_PREFIX}${id} */\n${body}`);
    return file;
  };
  const writeCache = (file: string, cacheId: string, data: Uint8Array): void => {
    writeFileSync(cacheFileOf(file), Buffer.concat([Buffer.from(cacheId, "latin1"), data]));
  };
  const exportsOf = (file: string): { answer(): number; folder: string; twice(n: number): number } =>
    loadBundle(file)?.exports as unknown as { answer(): number; folder: string; twice(n: number): number };

  it("runs the bundle as a CommonJS module beside its own folder", () => {
    const file = writeBundle("plain.cjs", 42);
    const loaded = loadBundle(file);
    expect(loaded?.cacheUsed).toBe(false); // no cache file
    expect(exportsOf(file).answer()).toBe(42);
    expect(exportsOf(file).folder).toBe(dir.split("/").pop());
  });

  it("returns undefined when there is no bundle, so the caller loads the ES modules", () => {
    expect(loadBundle(join(dir, "absent.cjs"))).toBeUndefined();
  });

  it("uses a cache made for this very build", () => {
    const file = writeBundle("cached.cjs", 7);
    const first = loadBundle(file);
    expect(first?.exports.twice).toBeTypeOf("function");
    (first?.exports.twice as (n: number) => number)(3); // compiled, so the cache holds it
    writeCache(file, id, first!.script.createCachedData());
    const second = loadBundle(file);
    expect(second?.cacheUsed).toBe(true);
    expect((second?.exports.twice as (n: number) => number)(21)).toBe(42);
  });

  it("ignores a cache written for another build, even one V8 would take (same length of source)", () => {
    const file = writeBundle("stale.cjs", 1);
    const made = loadBundle(file)!.script.createCachedData();
    writeCache(file, otherId, made);
    const loaded = loadBundle(file);
    expect(loaded?.cacheUsed).toBe(false);
    expect((loaded?.exports.answer as () => number)()).toBe(1);
  });

  it("compiles from source when V8 rejects the cache (corrupt bytes, another V8)", () => {
    const file = writeBundle("corrupt.cjs", 5);
    writeCache(file, id, new Uint8Array(256).fill(0xa5));
    const loaded = loadBundle(file);
    expect(loaded?.cacheUsed).toBe(false);
    expect(loaded?.script.cachedDataRejected).toBe(true);
    expect((loaded?.exports.answer as () => number)()).toBe(5);
  });

  it("takes no cache from a bundle without the id line", () => {
    const file = join(dir, "no-id.cjs");
    writeFileSync(file, "exports.answer = () => 3;\n");
    writeCache(file, id, new Uint8Array(64));
    const loaded = loadBundle(file);
    expect(loaded?.cacheUsed).toBe(false);
    expect(loaded?.script.cachedDataRejected).toBeUndefined(); // never offered to V8
  });
});
