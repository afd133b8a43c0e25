import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { ProtoWriter, proto } from "../../test-support/protobuf-builder.js";
import { everySource } from "../../test-support/stingy-source.js";
import { MAX_PROTO_DEPTH, MAX_PROTO_TEXT_BYTES } from "./limits.js";
import { ProtoReader, isLen, type ProtoField, type ProtoRange } from "./reader.js";
import { sniffFields } from "./sniff.js";
import { decodeVarint } from "./varint.js";

async function collect(r: ProtoReader, range: ProtoRange = r.all, depth = 0): Promise<ProtoField[]> {
  const out: ProtoField[] = [];
  for await (const f of r.fields(range, { depth: depth, what: "Test" })) out.push(f);
  return out;
}

/** Follows field 1 as a sub-message all the way down; returns how deep it got. */
async function descend(r: ProtoReader, range: ProtoRange, depth: number): Promise<number> {
  for await (const f of r.fields(range, { depth: depth, what: "Nested" })) if (f.no === 1 && isLen(f)) return descend(r, f, depth + 1);
  return depth;
}

describe("varints", () => {
  it("decodes 1..10-byte varints and rejects longer or unterminated ones", () => {
    expect(decodeVarint(Uint8Array.of(0x96, 0x01), 0)).toEqual({ value: 150, length: 2, huge: false });
    const max = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    expect(decodeVarint(max, 0)).toMatchObject({ length: 10, huge: true });
    expect(decodeVarint(Uint8Array.of(...max.subarray(0, 9), 0x02), 0)).toBeUndefined();
    expect(decodeVarint(Uint8Array.of(...Array<number>(10).fill(0x80), 0x01), 0)).toBeUndefined();
    expect(decodeVarint(Uint8Array.of(0x80, 0x80), 0)).toBeUndefined();
  });
});

describe("ProtoReader", () => {
  it("yields every wire type with offsets and ranges, through every source", async () => {
    const bytes = new ProtoWriter().varint(1, 300).fixed64(2, 7n).string(3, "abc").fixed32(4, 9).message(5, (m) => m.varint(1, 1)).toBytes();
    for (const { make } of everySource(bytes)) {
      const r = new ProtoReader(make());
      const fields = await collect(r);
      expect(fields.map((f) => [f.no, f.wire])).toEqual([[1, 0], [2, 1], [3, 2], [4, 5], [5, 2]]);
      expect(fields[0]).toMatchObject({ value: 300, offset: 0 });
      const s = fields[2];
      expect(s && isLen(s) ? await r.text(s) : undefined).toBe("abc");
      expect(r.defects).toEqual([]);
    }
  });

  it("hands out the part of a field before a cut, marked clipped, with a truncated defect", async () => {
    const full = proto((w) => w.varint(1, 1).bytes(2, "payload-before-cut"));
    const r = new ProtoReader(new MemorySource(full.subarray(0, full.length - 4)));
    const fields = await collect(r);
    expect(fields[1]).toMatchObject({ no: 2, clipped: true });
    expect(r.defects.map((d) => d.code)).toEqual(["truncated"]);
    expect(r.defects[0]?.message).toContain("declares 18 bytes but its message has 14 left");
  });

  it("stops on groups, invalid wire types, field 0, overlong and cut-off varints with coded defects", async () => {
    const cases: [Uint8Array, string][] = [
      [new ProtoWriter().tag(1, 3).toBytes(), "protobuf-bad-wire-type"],
      [new ProtoWriter().tag(1, 7).toBytes(), "protobuf-bad-wire-type"],
      [new ProtoWriter().tag(0, 0).rawVarint(1).toBytes(), "protobuf-bad-field"],
      [new ProtoWriter().tag(1, 0).raw(...Array<number>(11).fill(0x80)).toBytes(), "protobuf-bad-varint"],
      [new ProtoWriter().tag(1, 0).raw(0x80, 0x80).toBytes(), "truncated"],
    ];
    for (const [bytes, code] of cases) {
      const r = new ProtoReader(new MemorySource(bytes));
      expect(await collect(r)).toEqual([]);
      expect(r.defects.map((d) => d.code)).toEqual([code]);
    }
  });

  it("follows nesting to MAX_PROTO_DEPTH and reports one level past it", async () => {
    const nest = (levels: number): Uint8Array => (levels === 0 ? proto((w) => w.varint(2, 1)) : proto((w) => w.message(1, nest(levels - 1))));
    const atLimit = new ProtoReader(new MemorySource(nest(MAX_PROTO_DEPTH)));
    expect(await descend(atLimit, atLimit.all, 0)).toBe(MAX_PROTO_DEPTH);
    expect(atLimit.defects).toEqual([]);
    const past = new ProtoReader(new MemorySource(nest(MAX_PROTO_DEPTH + 1)));
    await descend(past, past.all, 0);
    expect(past.defects.map((d) => d.limit)).toEqual(["MAX_PROTO_DEPTH"]);
  });

  it("counts fields against a file-wide limit, at the limit and one past", async () => {
    const bytes = proto((w) => { for (let i = 0; i < 10; i++) w.varint(1, i); });
    const atLimit = new ProtoReader(new MemorySource(bytes), { maxFields: 10 });
    expect(await collect(atLimit)).toHaveLength(10);
    expect(atLimit.defects).toEqual([]);
    const past = new ProtoReader(new MemorySource(bytes), { maxFields: 9 });
    expect(await collect(past)).toHaveLength(9);
    expect(past.defects.map((d) => d.limit)).toEqual(["MAX_PROTO_FIELDS"]);
    expect(past.stopped).toBe(true);
  });

  it("cuts text longer than MAX_PROTO_TEXT_BYTES and says so", async () => {
    const exact = "a".repeat(MAX_PROTO_TEXT_BYTES);
    const r = new ProtoReader(new MemorySource(proto((w) => w.string(1, exact).string(2, `${exact}b`))));
    const [a, b] = await collect(r);
    expect(a && isLen(a) ? await r.text(a) : "").toBe(exact);
    expect(b && isLen(b) ? await r.text(b) : "").toBe(`${exact}…(${MAX_PROTO_TEXT_BYTES + 1} bytes)`);
  });

  it("stops with a timeout defect once the deadline has passed", async () => {
    const bytes = proto((w) => { for (let i = 0; i < 5000; i++) w.varint(1, i); });
    const r = new ProtoReader(new MemorySource(bytes), { now: () => 10, deadline: 5 });
    expect((await collect(r)).length).toBeLessThan(5000);
    expect(r.defects.map((d) => d.code)).toEqual(["timeout"]);
  });
});

describe("sniffFields", () => {
  it("decodes leading fields and stops quietly at garbage", () => {
    const head = new ProtoWriter().varint(1, 8).string(2, "x").raw(0xff, 0xff).toBytes();
    expect(sniffFields(head, { max: 8 }).map((f) => f.no)).toEqual([1, 2]);
  });
});
