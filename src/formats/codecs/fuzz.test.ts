/**
 * Hostile input never escapes as an exception: random bytes behind each format's magic, and
 * real files with bytes flipped, cut, duplicated or dropped, all come back as a result (with a
 * coded defect when bad), and no decoder produces more than maxOutput + 1 bytes.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { decodeBzip2 } from "./bzip2.js";
import { decodeLzmaAlone } from "./lzma-alone.js";
import { extractFolder, readSevenZip } from "./sevenzip.js";
import type { CodecDefectCode, DecodeControl, DecodeResult } from "./types.js";
import { decodeXz } from "./xz.js";

const dir = new URL("../../../fixtures/archives/", import.meta.url).pathname;
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(dir + name));
const MAX_OUTPUT = 1 << 20;
const CODES: readonly CodecDefectCode[] = ["truncated", "corrupt", "crc-mismatch", "unsupported", "encrypted", "limit-exceeded", "timeout"];

/** A mutation of `base`: flips, a cut, a duplicated or a dropped range. */
const mutated = (base: Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
      const b = base.slice();
      for (const [at, x] of flips) b[at]! ^= x;
      return b;
    }),
    fc.nat(base.length).map((cut) => base.subarray(0, cut)),
    fc.tuple(fc.nat(base.length), fc.nat(64)).map(([at, n]) => {
      const b = new Uint8Array(base.length + Math.min(n, base.length - at));
      b.set(base.subarray(0, at + Math.min(n, base.length - at)));
      b.set(base.subarray(at), at + Math.min(n, base.length - at));
      return b;
    }),
    fc.tuple(fc.nat(base.length), fc.nat(64)).map(([at, n]) => new Uint8Array([...base.subarray(0, at), ...base.subarray(Math.min(base.length, at + n))])),
  );

/** Random bytes after a format's magic (so the decoder gets past its first check). */
const behind = (magic: readonly number[]): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: 600 }).map((b) => new Uint8Array([...magic, ...b]));

async function runStream(decode: (s: MemorySource, c: DecodeControl) => Promise<DecodeResult>, bytes: Uint8Array): Promise<void> {
  let produced = 0;
  const r = await decode(new MemorySource(bytes), { onOutput: (c) => ((produced += c.length), true), maxOutput: MAX_OUTPUT });
  expect(["done", "stopped", "failed"]).toContain(r.status);
  expect(r.produced).toBe(produced);
  expect(produced).toBeLessThanOrEqual(MAX_OUTPUT + 1);
  if (r.status === "failed") expect(CODES).toContain(r.defect!.code);
}

async function run7z(bytes: Uint8Array): Promise<void> {
  const source = new MemorySource(bytes);
  const read = await readSevenZip(source);
  if (!read.ok) {
    expect(CODES).toContain(read.defect.code);
    return;
  }
  for (let f = 0; f < Math.min(read.archive.folders.length, 8); f++) {
    const r = await extractFolder(source, read.archive, { folder: f, maxOutput: MAX_OUTPUT, handler: { onData: () => true, onEnd: () => undefined } });
    expect(r.produced).toBeLessThanOrEqual(MAX_OUTPUT + 1);
    if (r.status === "failed") expect(CODES).toContain(r.defect!.code);
  }
}

const RUNS = { numRuns: 150 };

describe("fuzz: decoders return results, never throw", () => {
  it("xz", async () => {
    for (const base of [fixture("ok-small-blocks.xz"), fixture("ok-small-x86.xz"), fixture("ok-small-sha256.xz")]) {
      await fc.assert(fc.asyncProperty(mutated(base), (b) => runStream(decodeXz, b)), RUNS);
    }
    await fc.assert(fc.asyncProperty(behind([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46]), (b) => runStream(decodeXz, b)), RUNS);
  });

  it(".lzma", async () => {
    await fc.assert(fc.asyncProperty(mutated(fixture("ok-small.lzma")), (b) => runStream(decodeLzmaAlone, b)), RUNS);
    await fc.assert(fc.asyncProperty(behind([0x5d, 0, 0, 0x80, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]), (b) => runStream(decodeLzmaAlone, b)), RUNS);
  });

  it("bzip2", async () => {
    await fc.assert(fc.asyncProperty(mutated(fixture("ok-small.bz2")), (b) => runStream(decodeBzip2, b)), RUNS);
    await fc.assert(fc.asyncProperty(behind([0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59]), (b) => runStream(decodeBzip2, b)), RUNS);
  });

  it("7z", async () => {
    for (const name of ["ok-solid.7z", "ok-plain-header.7z", "ok-bzip2.7z", "ok-deflate.7z", "ok-bcj.7z", "ok-lzma.7z"]) {
      await fc.assert(fc.asyncProperty(mutated(fixture(name)), run7z), { numRuns: 60 });
    }
    await fc.assert(fc.asyncProperty(behind([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04]), run7z), RUNS);
  });
});
