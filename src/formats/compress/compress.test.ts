import { readFileSync } from "node:fs";
import { gzipSync, zlibSync } from "fflate";
import { describe, expect, it } from "vitest";
import { LazySource, MemorySource } from "../../core/byte-source.js";
import type { FormatAnalysis, FormatHandler } from "../../core/handler.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { StingySource } from "../../test-support/stingy-source.js";
import { crc32 } from "./crc32.js";
import { gzipHandler } from "./gzip.js";
import { lz4Handler } from "./lz4.js";
import { innerName } from "./member-name.js";
import type { CompressedDocument } from "./types.js";
import { bzip2Handler, lzmaAloneHandler, sevenZipHandler, xzHandler } from "./index.js";
import { zlibHandler } from "./zlib.js";
import { zstdHandler } from "./zstd.js";
import { XxHash64 } from "./xxhash64.js";

const enc = new TextEncoder();
const PICKLE = new Uint8Array([0x80, 0x04, 0x4b, 0x01, 0x2e]);
const hint = { name: "x", size: 0, parents: [] };

async function analyze(handler: FormatHandler, bytes: Uint8Array, name = "model.pt.gz", limits = {}) {
  const ctx = testScanContext(limits, { name });
  const results: (FormatAnalysis | undefined)[] = [];
  for (const source of [new MemorySource(bytes), new StingySource(bytes)]) {
    results.push(await handler.analyze(source, { ...ctx, budget: { members: 0, inflatedBytes: 0 } }));
  }
  expect(strip(results[1])).toEqual(strip(results[0]));
  const a = results[0];
  const member = a?.members?.[0];
  return { a, doc: a?.document as CompressedDocument, member, bytes: member ? await member.source.read(0, member.source.size) : undefined, ctx };
}

const strip = (a: FormatAnalysis | undefined) => a && { ...a, members: a.members?.map((m) => ({ path: m.path, size: m.source.size, speculative: m.speculative })) };

/** RFC 8878 frame: single segment (1-byte content size) or windowed, with the given blocks. */
function zstdFrame(blocks: Uint8Array[], opts: { windowDescriptor?: number; contentSize?: number; dictId?: number } = {}): Uint8Array {
  const header =
    opts.windowDescriptor !== undefined
      ? [0x28, 0xb5, 0x2f, 0xfd, opts.dictId ? 0x01 : 0x00, opts.windowDescriptor, ...(opts.dictId ? [opts.dictId] : [])]
      : [0x28, 0xb5, 0x2f, 0xfd, 0x20, opts.contentSize ?? 0];
  const parts = [new Uint8Array(header), ...blocks];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function zstdBlock(type: 0 | 1, size: number, body: Uint8Array, last: boolean): Uint8Array {
  const h = (size << 3) | (type << 1) | (last ? 1 : 0);
  return new Uint8Array([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, ...body]);
}

function lz4Frame(blocks: { data: Uint8Array; stored?: boolean }[], flg = 0x60, bd = 0x40): Uint8Array {
  const parts: number[] = [0x04, 0x22, 0x4d, 0x18, flg, bd, 0x00];
  for (const b of blocks) {
    const word = (b.data.length | (b.stored ? 0x80000000 : 0)) >>> 0;
    parts.push(word & 0xff, (word >> 8) & 0xff, (word >> 16) & 0xff, word >>> 24, ...b.data);
  }
  parts.push(0, 0, 0, 0);
  return new Uint8Array(parts);
}

describe("crc32 and names", () => {
  it("computes the standard check value", () => {
    expect(crc32(enc.encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(enc.encode("6789"), crc32(enc.encode("12345")))).toBe(0xcbf43926);
  });

  it.each([
    ["model.pt.gz", "model.pt"],
    ["dir/x.tgz", "x.tar"],
    ["C:\\m\\w.bin.zst", "w.bin"],
    ["plain", "plain"],
    [".gz", ".gz"],
  ])("inner name of %s is %s", (outer, inner) => expect(innerName(outer)).toBe(inner));
});

describe("gzip", () => {
  it("sniffs by magic only", () => {
    expect(gzipHandler.sniff(gzipSync(PICKLE), hint)).toBe("strong");
    expect(gzipHandler.sniff(new Uint8Array([0x1f, 0x8b, 0x07]), hint)).toBe("no");
  });

  it("hands on the decompressed stream named after the outer file", async () => {
    const r = await analyze(gzipHandler, gzipSync(PICKLE, { filename: "evil.pkl" }));
    expect(r.a?.defects).toEqual([]);
    expect(r.member?.path).toBe("model.pt");
    expect(r.bytes).toEqual(PICKLE);
    expect(r.doc.gzip?.name).toBe("evil.pkl");
    expect(r.doc.streams).toBe(1);
  });

  it("joins concatenated members like gunzip", async () => {
    const a = gzipSync(enc.encode("hello "));
    const b = gzipSync(enc.encode("world"));
    const both = new Uint8Array([...a, ...b]);
    const r = await analyze(gzipHandler, both);
    expect(new TextDecoder().decode(r.bytes)).toBe("hello world");
    expect(r.doc.streams).toBe(2);
  });

  it("reports data after the last member and keeps the content", async () => {
    const r = await analyze(gzipHandler, new Uint8Array([...gzipSync(PICKLE), ...enc.encode("PK\x03\x04 trailing")]));
    expect(r.doc.anomalies.map((x) => x.code)).toEqual(["appended-data"]);
    expect(r.bytes).toEqual(PICKLE);
    expect(r.a?.defects).toEqual([]);
  });

  it("fails closed on a truncated stream but scans what came out", async () => {
    const big = enc.encode("x".repeat(1000) + "y".repeat(1000));
    const gz = gzipSync(big);
    const r = await analyze(gzipHandler, gz.subarray(0, gz.length - 12));
    expect(r.a?.defects[0]).toMatchObject({ code: "truncated", fatal: true });
  });

  it("stops a bomb at the ratio cap and keeps the prefix as a guess", async () => {
    const payload = new Uint8Array(64 * 1024 * 1024);
    payload.set(PICKLE);
    const r = await analyze(gzipHandler, gzipSync(payload));
    expect(r.doc.anomalies.map((x) => x.code)).toEqual(["compression-ratio"]);
    expect(r.a?.defects[0]).toMatchObject({ code: "limit-exceeded", limit: "MAX_COMPRESSION_RATIO" });
    if (r.member) expect(r.member.speculative).toBe(true);
  });

  it("counts first and hands the output on as a lazy member, produced on read and dropped on release", async () => {
    const payload = enc.encode("weights ".repeat(5000));
    const ctx = testScanContext({}, { name: "w.bin.gz" });
    const a = await gzipHandler.analyze(new MemorySource(gzipSync(payload)), ctx);
    const m = a!.members![0]!;
    expect(m.source).toBeInstanceOf(LazySource);
    expect(m.source.size).toBe(payload.length);
    expect(m.source.stats.bytesRead).toBe(0);
    expect(ctx.budget.inflatedBytes).toBe(payload.length);
    expect(await m.source.read(0, payload.length)).toEqual(payload);
    m.release!();
    expect(await m.source.read(8, 7)).toEqual(payload.subarray(8, 15));
  });

  it("keeps a bomb's scanned prefix to the cap, lazily", async () => {
    const r = await analyze(gzipHandler, gzipSync(enc.encode("abcdefghij".repeat(1000))), "a.gz", { maxInflatedBytes: 4000 });
    expect(r.member?.speculative).toBe(true);
    expect(r.member?.source.size).toBe(4000);
    expect(r.bytes).toEqual(enc.encode("abcdefghij".repeat(400)));
  });

  it("stops at the shared budget", async () => {
    const r = await analyze(gzipHandler, gzipSync(enc.encode("abcdefghij".repeat(10))), "a.gz", { maxInflatedBytes: 50 });
    expect(r.doc.anomalies.map((x) => x.code)).toEqual(["output-limit"]);
  });
});

describe("zlib", () => {
  it("sniffs weak and keeps the match only when it inflates", async () => {
    const z = zlibSync(PICKLE);
    expect(zlibHandler.sniff(z, hint)).toBe("weak");
    expect((await analyze(zlibHandler, z, "w.joblib")).bytes).toEqual(PICKLE);
    const fake = new Uint8Array([0x78, 0x9c, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(zlibHandler.sniff(fake, hint)).toBe("weak");
    expect((await analyze(zlibHandler, fake)).a).toBeUndefined();
    expect(zlibHandler.sniff(enc.encode("xz"), hint)).toBe("no");
  });
});

describe("zstd", () => {
  it("decodes raw blocks", async () => {
    const r = await analyze(zstdHandler, zstdFrame([zstdBlock(0, PICKLE.length, PICKLE, true)], { contentSize: PICKLE.length }), "m.pkl.zst");
    expect(r.a?.defects).toEqual([]);
    expect(r.member?.path).toBe("m.pkl");
    expect(r.bytes).toEqual(PICKLE);
  });

  it("stops an RLE bomb at the ratio cap", async () => {
    const blocks = Array.from({ length: 2000 }, (_, i) => zstdBlock(1, 128 * 1024, new Uint8Array([0]), i === 1999));
    const r = await analyze(zstdHandler, zstdFrame(blocks, { windowDescriptor: 7 << 3 }));
    expect(r.doc.anomalies.map((x) => x.code)).toEqual(["compression-ratio"]);
  });

  it("refuses a frame whose window would allocate past the limit", async () => {
    const r = await analyze(zstdHandler, zstdFrame([zstdBlock(0, 1, new Uint8Array([1]), true)], { windowDescriptor: 21 << 3 }));
    expect(r.a?.defects[0]).toMatchObject({ code: "limit-exceeded", fatal: true });
    expect(r.member).toBeUndefined();
  });

  it("refuses frames that need a dictionary", async () => {
    const r = await analyze(zstdHandler, zstdFrame([zstdBlock(0, 1, new Uint8Array([1]), true)], { windowDescriptor: 0, dictId: 7 }));
    expect(r.a?.defects[0]).toMatchObject({ code: "unsupported" });
  });

  it("reports bytes after the last frame", async () => {
    const f = zstdFrame([zstdBlock(0, PICKLE.length, PICKLE, true)], { contentSize: PICKLE.length });
    const r = await analyze(zstdHandler, new Uint8Array([...f, 1, 2, 3, 4, 5]));
    expect(r.doc.anomalies.map((x) => x.code)).toEqual(["appended-data"]);
    expect(r.bytes).toEqual(PICKLE);
  });
});

describe("zstd content checksums (XXH64)", () => {
  const dir = new URL("../../../fixtures/archives/", import.meta.url).pathname;
  const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(dir + name));
  const xx = (data: Uint8Array, split = data.length): string => {
    const h = new XxHash64();
    h.update(data.subarray(0, split));
    h.update(data.subarray(split));
    return h.digestHex();
  };

  it("hashes the reference vectors, whole and in pieces", () => {
    // xxHash's published XXH64 values (seed 0).
    expect(xx(new Uint8Array(0))).toBe("ef46db3751d8e999");
    expect(xx(enc.encode("a"))).toBe("d24ec4f1a98c6e5b");
    expect(xx(enc.encode("abc"))).toBe("44bc2cf5ad770999");
    const long = enc.encode("Nobody inspects the spammish repetition");
    expect(xx(long)).toBe("fbcea83c8a378bf1");
    for (const split of [1, 7, 31, 32, 33]) expect(xx(long, split)).toBe("fbcea83c8a378bf1");
  });

  it("checks the checksum the zstd CLI wrote, frame by frame", async () => {
    const one = await analyze(zstdHandler, fixture("ok-small.zst"), "small.txt.zst");
    expect(one.a?.defects).toEqual([]);
    expect(one.doc.checksumNote).toBeUndefined();
    const two = await analyze(zstdHandler, fixture("ok-multiframe.zst"), "two.txt.zst");
    expect(two.a?.defects).toEqual([]);
    expect(new TextDecoder().decode(two.bytes!).endsWith("second stream\n")).toBe(true);
  });

  it("reports a stored checksum that does not match the output (ARC005 input), and still scans the content", async () => {
    const bytes = fixture("ok-small.zst");
    bytes[bytes.length - 1]! ^= 0xff;
    const r = await analyze(zstdHandler, bytes, "small.txt.zst");
    expect(r.doc.anomalies.map((x) => x.code)).toEqual(["crc-mismatch"]);
    expect(r.a?.defects[0]).toMatchObject({ code: "crc-mismatch", fatal: false, offset: bytes.length - 4 });
    expect(r.bytes?.length).toBe(18428);
  });

  it("finds a changed byte in a raw block of the second frame", async () => {
    const evil = fixture("malicious-evil.pkl.zst");
    const first = fixture("ok-small.zst");
    const both = new Uint8Array([...first, ...evil]);
    // The pickle is stored raw; swap "id" for "ie": the payload still decodes, the checksum no longer matches.
    const at = both.length - 4 - 11;
    expect(String.fromCharCode(both[at]!, both[at + 1]!)).toBe("id");
    both[at + 1] = "e".charCodeAt(0);
    const r = await analyze(zstdHandler, both, "two.zst");
    expect(r.a?.defects.map((d) => d.code)).toEqual(["crc-mismatch"]);
  });

  it("has nothing to check in a frame written without a checksum", async () => {
    const r = await analyze(zstdHandler, fixture("ok-small-nocheck.zst"), "small.txt.zst");
    expect(r.a?.defects).toEqual([]);
    expect(r.bytes?.length).toBe(18428);
  });
});

describe("lz4", () => {
  // "abc", then a 20-byte match at offset 3, then five literals.
  const block = new Uint8Array([0x3f, 0x61, 0x62, 0x63, 0x03, 0x00, 0x01, 0x50, 0x58, 0x59, 0x5a, 0x57, 0x56]);
  const expected = "abc" + "abcabcabcabcabcabcab" + "XYZWV";

  it("decodes compressed and stored blocks", async () => {
    const r = await analyze(lz4Handler, lz4Frame([{ data: block }, { data: PICKLE, stored: true }]), "w.joblib.lz4");
    expect(r.a?.defects).toEqual([]);
    expect(r.member?.path).toBe("w.joblib");
    expect(new TextDecoder().decode(r.bytes!.subarray(0, 28))).toBe(expected);
    expect(r.bytes!.subarray(28)).toEqual(PICKLE);
  });

  it("fails closed on a match pointing before the output", async () => {
    const bad = new Uint8Array([0x10, 0x61, 0x09, 0x00, 0x50, 1, 2, 3, 4, 5]);
    const r = await analyze(lz4Handler, lz4Frame([{ data: bad }]));
    expect(r.a?.defects[0]).toMatchObject({ code: "truncated", fatal: true });
  });

  it("stops at the ratio cap", async () => {
    // One literal then a 65535-byte run: 64 KiB from 261 bytes per block.
    const run = new Uint8Array([0x1f, 0x00, 0x01, 0x00, ...new Array(256).fill(255), 236]);
    const blocks = Array.from({ length: 200 }, () => ({ data: run }));
    const r = await analyze(lz4Handler, lz4Frame(blocks, 0x40, 0x40));
    expect(r.doc.anomalies.map((x) => x.code)).toEqual(["compression-ratio"]);
  });

  it("rejects a block larger than the frame allows", async () => {
    const r = await analyze(lz4Handler, lz4Frame([{ data: new Uint8Array(70 * 1024), stored: true }]));
    expect(r.a?.defects[0]?.message).toContain("the frame allows 65536");
  });
});

describe("wrappers decoded by src/formats/codecs", () => {
  // Real files: fixtures/generate/gen_archives.sh; the decoders' own tests live in ../codecs.
  it.each([
    [bzip2Handler, [0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59], "bzip2"],
    [xzHandler, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00], "xz"],
    [sevenZipHandler, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04], "7z"],
  ] as const)("%#: sniffs and fails closed on garbage after the magic", async (handler, magic, id) => {
    const bytes = new Uint8Array([...magic, 1, 2, 3]);
    expect(handler.sniff(bytes, hint)).toBe("strong");
    expect(handler.sniff(enc.encode("not it at all"), hint)).toBe("no");
    const r = await analyze(handler, bytes);
    expect(r.a?.format).toBe(id);
    expect(r.a?.defects).toEqual([expect.objectContaining({ fatal: true })]);
    expect(r.member).toBeUndefined();
  });

  it("sniffs .lzma only weakly and drops a match that does not decode", async () => {
    const notLzma = new Uint8Array([0x5d, 0, 0, 0x80, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0xff]);
    expect(lzmaAloneHandler.sniff(notLzma, hint)).toBe("weak");
    expect((await analyze(lzmaAloneHandler, notLzma)).a).toBeUndefined();
    expect(lzmaAloneHandler.sniff(enc.encode("]not lzma at all"), hint)).toBe("no");
  });
});
