import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LazySource, MemorySource } from "../../core/byte-source.js";
import { everySource } from "../../test-support/stingy-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { scanBytes, ruleIds } from "../../test-support/scan.js";
import { ARCHIVE_RATIO_FLOOR_BYTES } from "./entry-data.js";
import { PathNamer } from "./path-namer.js";
import { readZip } from "./read-zip.js";

const dir = new URL("../../../fixtures/archives/", import.meta.url).pathname;
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(dir + name));
const EVIL = Uint8Array.from("\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.", (c) => c.charCodeAt(0));
const SAFE = new Uint8Array([0x80, 0x04, 0x4b, 0x01, 0x2e]);

/** Zip's LZMA layout (APPNOTE 5.8.8) from an .lzma file: version, properties size 5, the 5 properties, the raw stream. */
function zipLzma(lzmaAlone: Uint8Array): Uint8Array {
  const out = new Uint8Array(9 + lzmaAlone.length - 13);
  out.set([0x09, 0x14, 0x05, 0x00], 0);
  out.set(lzmaAlone.subarray(0, 5), 4);
  out.set(lzmaAlone.subarray(13), 9);
  return out;
}

describe("zip members are produced lazily", () => {
  it("hands compressed members on unproduced and drops them on release", async () => {
    const data = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff);
    const zip = buildZip([
      { name: "a.bin", data, method: 8 },
      { name: "b.bin", data, method: 8 },
    ]);
    const r = await readZip(new MemorySource(zip), testScanContext());
    expect(r.defects).toEqual([]);
    expect(r.document.entries.map((e) => e.data?.crc)).toEqual(["match", "match"]);
    for (const m of r.members) {
      expect(m.source).toBeInstanceOf(LazySource);
      expect(m.source.stats.bytesRead).toBe(0);
      expect(m.release).toBeTypeOf("function");
    }
    const a = r.members[0]!;
    expect(await a.source.read(0, a.source.size)).toEqual(data);
    a.release!();
    expect(await a.source.read(100, 5)).toEqual(data.subarray(100, 105));
  });

  it("keeps stored members as slices with no release", async () => {
    const zip = buildZip([{ name: "s.pkl", data: SAFE }]);
    const r = await readZip(new MemorySource(zip), testScanContext());
    expect(r.members[0]!.source).not.toBeInstanceOf(LazySource);
    expect(r.members[0]!.release).toBeUndefined();
  });
});

describe("zip methods 12 (bzip2), 14 (LZMA) and 95 (xz)", () => {
  const cases = [
    { method: 12, name: "evil.bz2member", compressed: fixture("malicious-evil.pkl.bz2"), flags: 0 },
    { method: 95, name: "evil.xzmember", compressed: fixture("malicious-evil.pkl.xz"), flags: 0 },
    // Flag bit 1: the LZMA data ends with an end marker.
    { method: 14, name: "evil.lzmamember", compressed: zipLzma(fixture("malicious-evil.pkl.lzma")), flags: 0x0002 },
  ];
  for (const c of cases) {
    describe.each(everySource(new Uint8Array(0)).map((s) => s.name))(`method ${c.method} through %s source`, (sourceName) => {
      it("decodes the member, checks its CRC and finds the payload", async () => {
        const zip = buildZip([{ name: "archive/data.pkl", method: c.method, compressed: c.compressed, uncompressedSize: EVIL.length, crc: crcOf(EVIL), flags: c.flags }]);
        const source = everySource(zip).find((s) => s.name === sourceName)!.make();
        const r = await readZip(source, testScanContext());
        expect(r.defects).toEqual([]);
        expect(r.document.entries[0]!.data).toMatchObject({ status: "inflated", crc: "match", outputBytes: EVIL.length });
        expect(await r.members[0]!.source.read(0, EVIL.length)).toEqual(EVIL);
      });
    });
    it(`reports a CRC mismatch for method ${c.method} (ARC005)`, async () => {
      const zip = buildZip([{ name: "m.pkl", method: c.method, compressed: c.compressed, uncompressedSize: EVIL.length, crc: 0x12345678, flags: c.flags }]);
      const report = await scanBytes(zip, { path: "weights.npz" });
      expect(ruleIds(report)).toContain("ARC005");
      expect(ruleIds(report)).toContain("PKL001");
    });
  }

  it("fails closed on damaged bzip2 member data", async () => {
    const bad = fixture("malicious-evil.pkl.bz2").slice();
    bad[20] = bad[20]! ^ 0xff;
    const zip = buildZip([{ name: "m.pkl", method: 12, compressed: bad, uncompressedSize: EVIL.length, crc: crcOf(EVIL) }]);
    const r = await readZip(new MemorySource(zip), testScanContext());
    expect(r.defects.some((d) => d.fatal)).toBe(true);
  });
});

describe("bounded loops and overlap bombs", () => {
  it("names 20,000 duplicates in linear time, each apart", () => {
    const namer = new PathNamer();
    const paths = Array.from({ length: 20_000 }, (_, i) => namer.next("a", i));
    expect(new Set(paths).size).toBe(20_000);
    expect(paths.slice(0, 3)).toEqual(["a", "a#2", "a#3"]);
    // A real name that looks like a suffix is not reused.
    const n2 = new PathNamer();
    expect([n2.next("b#2", 0), n2.next("b", 1), n2.next("b", 2)]).toEqual(["b#2", "b", "b#3"]);
  });

  it("stops overlapping entries at the archive's output bound (one finding, one error)", async () => {
    // One deflated member of 1 MiB; 200 central entries all point at its local header.
    const big = new Uint8Array(1024 * 1024).map((_, i) => (i % 251) + (i >> 16));
    const entries = [{ name: "kernel", data: big, method: 8 }, ...Array.from({ length: 199 }, (_, i) => ({ name: `copy${i}`, shareLocalWith: 0 }))];
    const zip = buildZip(entries);
    const ctx = testScanContext();
    const r = await readZip(new MemorySource(zip), ctx);
    expect(ctx.budget.inflatedBytes).toBeLessThanOrEqual(ARCHIVE_RATIO_FLOOR_BYTES);
    expect(r.document.anomalies.filter((a) => a.code === "compression-ratio")).toHaveLength(1);
    expect(r.defects.filter((d) => d.limit === "MAX_COMPRESSION_RATIO")).toHaveLength(1);
    expect(r.document.anomalies.map((a) => a.code)).toContain("overlapping-data");
  });

  it("lets a few entries sharing one small member through (benign near-miss)", async () => {
    const entries = [{ name: "kernel", data: deflatable(10_000), method: 8 }, ...Array.from({ length: 3 }, (_, i) => ({ name: `copy${i}`, shareLocalWith: 0 }))];
    const r = await readZip(new MemorySource(buildZip(entries)), testScanContext());
    expect(r.document.anomalies.map((a) => a.code)).not.toContain("compression-ratio");
    expect(r.members.map((m) => m.path)).toEqual(expect.arrayContaining(["kernel", "copy0", "copy1", "copy2"]));
    expect(r.defects.filter((d) => d.fatal)).toEqual([]);
  });
});

function deflatable(n: number): Uint8Array {
  return new TextEncoder().encode("weights ".repeat(n / 8));
}

function crcOf(b: Uint8Array): number {
  let c = ~0 >>> 0;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}
