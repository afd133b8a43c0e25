import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { EVIL, concat, decodeBoth, enc, fixture, payload } from "../../test-support/codec-cases.js";
import { SourceReader } from "./input.js";
import { INITIAL_WINDOW_BYTES, MAX_DICT_BYTES } from "./limits.js";
import { decodeLzmaAlone, isPickyLzmaAlone, looksLikeLzmaAlone, readLzmaAloneHeader } from "./lzma-alone.js";
import { LzmaDecoder, dictProblem, parseLzmaProps } from "./lzma.js";
import { decodeLzma2, lzma2DictSize, lzma2Props } from "./lzma2.js";
import { Output } from "./output.js";

/** `.lzma` header with the uncompressed size field replaced. */
function withSize(bytes: Uint8Array, size: number): Uint8Array {
  const b = bytes.slice();
  new DataView(b.buffer).setBigUint64(5, BigInt(size), true);
  return b;
}

async function lzma2(bytes: Uint8Array, dictSize = 1 << 20, maxOutput = 2 ** 30): Promise<{ status: string; code?: string; output: Uint8Array }> {
  const chunks: Uint8Array[] = [];
  const out = new Output({ onOutput: (c) => (chunks.push(c.slice()), true), maxOutput });
  const r = await decodeLzma2(new SourceReader(new MemorySource(bytes)), out, { dictSize });
  return { status: r.status, ...(r.defect ? { code: r.defect.code } : {}), output: concat(chunks) };
}

/** LZMA2 stored chunk: control 1 (dictionary reset) or 2, then size - 1 big-endian. */
const stored = (data: Uint8Array, reset: boolean): Uint8Array => new Uint8Array([reset ? 1 : 2, (data.length - 1) >> 8, (data.length - 1) & 0xff, ...data]);

/** The LZMA2 data of the first block of a single-block .xz file (after the 12-byte stream header and the block header). */
function xzBlockData(xz: Uint8Array): Uint8Array {
  const headerSize = (xz[12]! + 1) * 4;
  return xz.subarray(12 + headerSize);
}

describe("LZMA properties and dictionary sizes", () => {
  it("splits the properties byte into lc/lp/pb", () => {
    expect(parseLzmaProps(0x5d)).toEqual({ lc: 3, lp: 0, pb: 2 });
    expect(parseLzmaProps(224)).toEqual({ lc: 8, lp: 4, pb: 4 });
    expect(parseLzmaProps(225)).toBeUndefined();
  });

  it("decodes LZMA2 dictionary bytes and refuses dictionaries past MAX_DICT_BYTES (at the limit and one past)", () => {
    expect(lzma2DictSize(0)).toBe(4096);
    expect(lzma2DictSize(1)).toBe(6144);
    expect(lzma2DictSize(40)).toBe(0xffffffff);
    expect(lzma2DictSize(41)).toBeUndefined();
    expect(lzma2Props(37, 0)).toEqual({ dictSize: MAX_DICT_BYTES });
    expect(lzma2Props(38, 0)).toEqual({ defect: expect.objectContaining({ code: "limit-exceeded", limit: "MAX_DICT_BYTES" }) });
    expect(dictProblem(MAX_DICT_BYTES, 0)).toBeUndefined();
    expect(dictProblem(MAX_DICT_BYTES + 1, 0)?.code).toBe("limit-exceeded");
  });

  it("allocates the window lazily and never past the output cap", () => {
    const big = new LzmaDecoder(MAX_DICT_BYTES, 2 ** 30);
    expect(big.windowLength).toBe(0);
    expect(big.makeRoom()).toBe(true);
    expect(big.windowLength).toBe(INITIAL_WINDOW_BYTES);
    const small = new LzmaDecoder(MAX_DICT_BYTES, 100);
    expect(small.makeRoom()).toBe(true);
    expect(small.windowLength).toBe(100);
  });
});

describe(".lzma (LZMA alone)", () => {
  it("decodes the xz-utils file to the payload, through every source", async () => {
    const r = await decodeBoth(decodeLzmaAlone, fixture("ok-small.lzma"));
    expect(r.result).toMatchObject({ status: "done", streams: 1, notes: [] });
    expect(r.output).toEqual(payload(600));
    expect((await decodeBoth(decodeLzmaAlone, fixture("malicious-evil.pkl.lzma"))).output).toEqual(EVIL);
  });

  it("sniffs joblib's prefix with liblzma's picky header checks", () => {
    const head = fixture("ok-small.lzma").subarray(0, 32);
    expect(looksLikeLzmaAlone(head)).toBe(true);
    const h = readLzmaAloneHeader(head)!;
    expect(h).toMatchObject({ propsByte: 0x5d, props: { lc: 3, lp: 0, pb: 2 } });
    expect(h.unpackSize).toBeUndefined();
    expect(isPickyLzmaAlone({ ...h, dictSize: 3 << 20 })).toBe(true);
    expect(isPickyLzmaAlone({ ...h, dictSize: (1 << 20) + 1 })).toBe(false);
    expect(isPickyLzmaAlone({ ...h, unpackSize: 2 ** 38 })).toBe(false);
    const noZero = head.slice();
    noZero[13] = 1;
    expect(looksLikeLzmaAlone(noZero)).toBe(false);
  });

  it("accepts a declared size with the end marker after it, and rejects sizes that do not match", async () => {
    const file = fixture("ok-small.lzma");
    const exact = await decodeBoth(decodeLzmaAlone, withSize(file, 18428));
    expect(exact.result.status).toBe("done");
    expect(exact.output).toEqual(payload(600));
    const short = await decodeBoth(decodeLzmaAlone, withSize(file, 100));
    expect(short.result.defect).toMatchObject({ code: "corrupt", message: expect.stringContaining("past the declared size 100") });
    expect(short.output).toEqual(payload(600).subarray(0, 100));
    const long = await decodeBoth(decodeLzmaAlone, withSize(file, 20000));
    expect(long.result.defect).toMatchObject({ code: "corrupt", message: expect.stringContaining("declared as 20000") });
  });

  it("reads concatenated streams like Python's lzma module and reports other trailing bytes", async () => {
    const one = fixture("ok-small.lzma");
    const two = await decodeBoth(decodeLzmaAlone, concat([one, one]));
    expect(two.result).toMatchObject({ status: "done", streams: 2 });
    expect(two.output).toEqual(concat([payload(600), payload(600)]));
    const junk = await decodeBoth(decodeLzmaAlone, concat([one, enc.encode("PK\x03\x04 trailing")]));
    expect(junk.result.notes).toEqual([expect.objectContaining({ code: "appended-data", offset: one.length })]);
  });

  it("returns a defect with the decoded prefix for every truncation, never throws", async () => {
    const file = fixture("ok-small.lzma");
    const expected = payload(600);
    for (const cut of [0, 5, 13, 14, 17, 18, 19, 40, 500, 1000, file.length - 6, file.length - 1]) {
      const r = await decodeBoth(decodeLzmaAlone, file.subarray(0, cut));
      expect(r.result.status, `cut ${cut}`).toBe("failed");
      expect(["truncated", "corrupt"]).toContain(r.result.defect?.code);
      expect(r.output, `cut ${cut}`).toEqual(expected.subarray(0, r.output.length));
    }
    // Most of the stream comes out before the damage.
    expect((await decodeBoth(decodeLzmaAlone, file.subarray(0, file.length - 6))).output.length).toBeGreaterThan(17000);
  });

  it("refuses a range coder that does not start with 0, and a dictionary past the limit", async () => {
    const file = fixture("ok-small.lzma").slice();
    file[13] = 1;
    expect((await decodeBoth(decodeLzmaAlone, file)).result.defect).toMatchObject({ code: "corrupt", message: expect.stringContaining("does not start with a 0 byte") });
    const big = fixture("ok-small.lzma").slice();
    new DataView(big.buffer).setUint32(1, MAX_DICT_BYTES + 1, true);
    expect((await decodeBoth(decodeLzmaAlone, big)).result.defect).toMatchObject({ code: "limit-exceeded", limit: "MAX_DICT_BYTES" });
    // At the limit: a 1.5 GiB declared dictionary decodes small data without allocating it.
    new DataView(big.buffer).setUint32(1, MAX_DICT_BYTES, true);
    expect((await decodeBoth(decodeLzmaAlone, big)).output).toEqual(payload(600));
  });

  it("stops at maxOutput + 1 bytes, and stops a bomb early", async () => {
    const r = await decodeBoth(decodeLzmaAlone, fixture("ok-small.lzma"), 1000);
    expect(r.result.status).toBe("stopped");
    expect(r.output).toEqual(payload(600).subarray(0, 1001));
    const bomb = await decodeBoth(decodeLzmaAlone, fixture("bomb-zeros.lzma"), 8 << 20);
    expect(bomb.result).toMatchObject({ status: "stopped", produced: (8 << 20) + 1 });
  });
});

describe("LZMA2 chunks", () => {
  const a = enc.encode("stored chunk one, ");
  const b = enc.encode("stored chunk two");

  it("copies stored chunks and stops at the end marker", async () => {
    const r = await lzma2(concat([stored(a, true), stored(b, false), new Uint8Array([0])]));
    expect(r).toMatchObject({ status: "done" });
    expect(r.output).toEqual(concat([a, b]));
  });

  it("rejects chunk sequences liblzma rejects", async () => {
    expect(await lzma2(concat([stored(a, false), new Uint8Array([0])]))).toMatchObject({ status: "failed", code: "corrupt" });
    expect(await lzma2(concat([stored(a, true), new Uint8Array([0x03, 0, 0, 0])]))).toMatchObject({ status: "failed", code: "corrupt" });
    expect(await lzma2(stored(a, true))).toMatchObject({ status: "failed", code: "truncated" });
    // An LZMA chunk without properties after a dictionary reset.
    expect(await lzma2(concat([stored(a, true), new Uint8Array([0x80, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0])]))).toMatchObject({ status: "failed", code: "corrupt" });
    // Properties with lc + lp > 4 (lc 4, lp 1).
    expect(await lzma2(new Uint8Array([0xe0, 0, 0, 0, 4, 13, 0, 0, 0, 0, 0, 0]))).toMatchObject({ status: "failed", code: "corrupt" });
    // Fewer than 5 compressed bytes.
    expect(await lzma2(new Uint8Array([0xe0, 0, 0, 0, 3, 0x5d, 0, 0, 0, 0]))).toMatchObject({ status: "failed", code: "corrupt" });
  });

  it("decodes real LZMA chunks and catches sizes that do not match the data", async () => {
    const data = xzBlockData(fixture("ok-small.xz"));
    const good = await lzma2(data, 1 << 23);
    expect(good.status).toBe("done");
    expect(good.output).toEqual(payload(600));
    // Declare one more uncompressed byte than the chunk holds.
    const more = data.slice();
    const unpacked = ((more[0]! & 0x1f) << 16) + (more[1]! << 8) + more[2]! + 1;
    more[2] = (more[2]! + 1) & 0xff;
    const bad = await lzma2(more, 1 << 23);
    expect(bad).toMatchObject({ status: "failed", code: "corrupt" });
    expect(bad.output).toEqual(payload(600).subarray(0, bad.output.length));
    expect(bad.output.length).toBeGreaterThan(unpacked - 300);
  });

  it("keeps the window below the output cap whatever the dictionary says", async () => {
    const r = await lzma2(xzBlockData(fixture("ok-small.xz")), MAX_DICT_BYTES, 500);
    expect(r.status).toBe("stopped");
    expect(r.output).toEqual(payload(600).subarray(0, 501));
  });
});
