import { describe, expect, it } from "vitest";
import { concat, decodeBoth, enc, fixture, payload, same } from "../../test-support/codec-cases.js";
import { crc32 } from "./crc.js";
import { decodeXz, isXz } from "./xz.js";

const xz = (bytes: Uint8Array, maxOutput?: number) => decodeBoth(decodeXz, bytes, maxOutput);

const u32 = (b: Uint8Array, o: number): number => new DataView(b.buffer, b.byteOffset).getUint32(o, true);
const setCrc = (b: Uint8Array, from: number, to: number, at: number): void => new DataView(b.buffer, b.byteOffset).setUint32(at, crc32(b.subarray(from, to)), true);
/** Offset of the Index of the last stream, from the footer's backward size. */
const indexStart = (b: Uint8Array): number => b.length - 12 - (u32(b, b.length - 8) + 1) * 4;

const vli = (v: number): number[] => {
  const out: number[] = [];
  for (; v >= 0x80; v = Math.floor(v / 128)) out.push((v & 0x7f) | 0x80);
  out.push(v);
  return out;
};
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const pad4 = (n: number): number[] => new Array<number>((4 - (n % 4)) % 4).fill(0);

/** An xz stream (check None) whose blocks each hold one LZMA2 stored chunk (xz-file-format 2-4). */
function xzOfStoredBlocks(blocks: Uint8Array[]): Uint8Array {
  const flags = [0x00, 0x00];
  const parts: number[] = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, ...flags, ...le32(crc32(Uint8Array.from(flags)))];
  const records: number[] = [];
  for (const data of blocks) {
    // Block header: size byte 2 (12 bytes), one filter, LZMA2 with dictionary byte 0, padding, CRC32.
    const head = [0x02, 0x00, 0x21, 0x01, 0x00, 0x00, 0x00, 0x00];
    const lzma2 = [0x01, (data.length - 1) >> 8, (data.length - 1) & 0xff, ...data, 0x00];
    parts.push(...head, ...le32(crc32(Uint8Array.from(head))), ...lzma2, ...pad4(lzma2.length));
    records.push(...vli(12 + lzma2.length), ...vli(data.length));
  }
  const index = [0x00, ...vli(blocks.length), ...records];
  index.push(...pad4(index.length));
  index.push(...le32(crc32(Uint8Array.from(index))));
  const tail = [...le32(index.length / 4 - 1), ...flags];
  parts.push(...index, ...le32(crc32(Uint8Array.from(tail))), ...tail, 0x59, 0x5a);
  return Uint8Array.from(parts);
}

describe("xz", () => {
  const small = payload(600);
  it.each([
    ["ok-small.xz", small],
    ["ok-small-crc32.xz", small],
    ["ok-small-crc64.xz", small],
    ["ok-small-sha256.xz", small],
    ["ok-small-none.xz", small],
    ["ok-small-blocks.xz", small],
    ["ok-small-x86.xz", small],
    ["ok-small-delta.xz", small],
    ["ok-big-9.xz", payload(3500)],
    ["ok-multistream.xz", concat([small, enc.encode("second stream\n")])],
  ])("decodes %s like xz(1) does", async (name, expected) => {
    const bytes = fixture(name);
    expect(isXz(bytes)).toBe(true);
    const r = await xz(bytes);
    expect(r.result).toMatchObject({ status: "done", notes: [], produced: expected.length });
    expect(same(r.output, expected)).toBe(true);
    expect(r.result.streams).toBe(name.includes("multistream") ? 2 : 1);
  });

  it("decodes a stream of 20,000 one-byte blocks and checks its index", async () => {
    const data = Array.from({ length: 20_000 }, (_, i) => new Uint8Array([0x61 + (i % 26)]));
    const r = await xz(xzOfStoredBlocks(data));
    expect(r.result).toMatchObject({ status: "done", produced: 20_000 });
    expect(same(r.output, concat(data))).toBe(true);
  });

  it("decodes the wrapped pickle", async () => {
    const r = await xz(fixture("malicious-evil.pkl.xz"));
    expect(new TextDecoder("latin1").decode(r.output)).toContain("cposix\nsystem\n");
  });

  it("reports each block check that does not match (CRC32, CRC64, SHA-256)", async () => {
    for (const [name, size] of [["ok-small-crc32.xz", 4], ["ok-small-crc64.xz", 8], ["ok-small-sha256.xz", 32]] as const) {
      const b = fixture(name).slice();
      b[indexStart(b) - size]! ^= 0x01;
      const r = await xz(b);
      expect(r.result.defect, name).toMatchObject({ code: "crc-mismatch" });
      expect(same(r.output, small), name).toBe(true);
    }
  });

  it("skips a reserved check type and says so", async () => {
    const b = fixture("ok-small-crc32.xz").slice();
    b[7] = 0x02;
    setCrc(b, 6, 8, 8);
    b[b.length - 3] = 0x02;
    setCrc(b, b.length - 8, b.length - 2, b.length - 12);
    const r = await xz(b);
    expect(r.result.status).toBe("done");
    expect(r.result.notes).toEqual([expect.objectContaining({ code: "check-not-verified" })]);
  });

  it("verifies the stream header, block header, index and footer", async () => {
    const base = fixture("ok-small.xz");
    const flip = (at: number): Uint8Array => {
      const b = base.slice();
      b[at]! ^= 0x40;
      return b;
    };
    expect((await xz(flip(8))).result.defect?.message).toContain("stream header CRC32");
    expect((await xz(flip(13))).result.defect).toMatchObject({ code: "corrupt", message: expect.stringContaining("block header CRC32") });
    expect((await xz(flip(base.length - 1))).result.defect?.message).toContain("footer magic");
    expect((await xz(flip(base.length - 10))).result.defect?.message).toContain("footer CRC32");
    expect((await xz(flip(indexStart(base) + 2))).result.defect).toMatchObject({ code: "corrupt" });
    // An index record that disagrees with the block, with a valid index CRC.
    const b = base.slice();
    const at = indexStart(b);
    b[at + b.subarray(at).indexOf(0xfc)] = 0xfd;
    const indexEnd = b.length - 12;
    setCrc(b, at, indexEnd - 4, indexEnd - 4);
    expect((await xz(b)).result.defect?.message).toContain("index records do not match");
  });

  it("refuses an unsupported filter, reserved block flags and a dictionary past the limit", async () => {
    expect((await xz(fixture("unsupported-arm-filter.xz"))).result.defect).toMatchObject({ code: "unsupported", message: expect.stringContaining("ARM BCJ") });
    const b = fixture("ok-small.xz").slice();
    const headerSize = (b[12]! + 1) * 4;
    const props = b.subarray(12, 12 + headerSize).indexOf(0x21) + 12 + 2;
    b[props] = 38;
    setCrc(b, 12, 12 + headerSize - 4, 12 + headerSize - 4);
    expect((await xz(b)).result.defect).toMatchObject({ code: "limit-exceeded", limit: "MAX_DICT_BYTES" });
    b[13]! |= 0x04;
    setCrc(b, 12, 12 + headerSize - 4, 12 + headerSize - 4);
    expect((await xz(b)).result.defect).toMatchObject({ code: "unsupported", message: expect.stringContaining("reserved bits") });
  });

  it("handles stream padding and reports bytes after the last stream", async () => {
    const base = fixture("ok-small.xz");
    expect((await xz(concat([base, new Uint8Array(8)]))).result).toMatchObject({ status: "done", notes: [] });
    expect((await xz(concat([base, new Uint8Array(3)]))).result.defect?.message).toContain("not a multiple of 4");
    const junk = await xz(concat([base, new Uint8Array(4), enc.encode("PK\x03\x04 polyglot tail")]));
    expect(junk.result).toMatchObject({ status: "done", notes: [expect.objectContaining({ code: "appended-data", offset: base.length, message: expect.stringContaining("22 bytes") })] });
    expect(same(junk.output, small)).toBe(true);
  });

  it("returns a defect with the decoded prefix for every truncation, never throws", async () => {
    const b = fixture("ok-small-blocks.xz");
    for (let cut = 0; cut < b.length; cut += 97) {
      const r = await xz(b.subarray(0, cut));
      expect(r.result.status, `cut ${cut}`).toBe("failed");
      expect(same(r.output, small.subarray(0, r.output.length)), `cut ${cut}`).toBe(true);
    }
  });

  it("stops at maxOutput + 1 bytes and stops a bomb early", async () => {
    const r = await xz(fixture("ok-small.xz"), 100);
    expect(r.result.status).toBe("stopped");
    expect(same(r.output, small.subarray(0, 101))).toBe(true);
    const bomb = await xz(fixture("bomb-zeros.xz"), 8 << 20);
    expect(bomb.result).toMatchObject({ status: "stopped", produced: (8 << 20) + 1 });
  });
});
