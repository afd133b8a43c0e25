import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemorySource, SliceSource, checkRange, type ByteSource } from "../../core/byte-source.js";
import { resolveLimits } from "../../core/limits.js";
import { scanSource } from "../../engine/scan.js";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { StingySource } from "../../test-support/stingy-source.js";
import { OP } from "./opcodes.js";
import { parsePickle } from "./parse.js";
import { importName } from "./render.js";

const te = new TextEncoder();
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const u64 = (n: number): number[] => [...u32(n), 0, 0, 0, 0];

/** One stream that uses each of the 68 opcodes at least once, legally. */
function everyOpcode(): { bytes: Uint8Array; ops: number } {
  const b = new P();
  let ops = 0;
  const op = (...parts: (number | string | Uint8Array)[]): void => {
    b.raw(...parts);
    ops++;
  };
  const body = (): void => {
    op(OP.MARK);
    op("I42\n");
    op(OP.BININT, ...u32(-5 >>> 0));
    op(OP.BININT1, 7);
    op(OP.BININT2, 0x34, 0x12);
    op("L123L\n");
    op(OP.LONG1, 2, 0xff, 0x7f);
    op(OP.LONG4, ...u32(1), 0x80);
    op("S'a\\nb'\n");
    op(OP.BINSTRING, ...u32(2), "hi");
    op(OP.SHORT_BINSTRING, 2, "yo");
    op(OP.BINBYTES, ...u32(3), "abc");
    op(OP.SHORT_BINBYTES, 1, "z");
    op(OP.BINBYTES8, ...u64(2), "qq");
    op(OP.BYTEARRAY8, ...u64(2), "ba");
    op(OP.NEXT_BUFFER);
    op(OP.READONLY_BUFFER);
    op(OP.NONE);
    op(OP.NEWTRUE);
    op(OP.NEWFALSE);
    op("V\\u00e9t\u00e9\n");
    op(OP.SHORT_BINUNICODE, 2, "ok");
    op(OP.BINUNICODE, ...u32(3), "uni");
    op(OP.BINUNICODE8, ...u64(4), "long");
    op("F1.5\n");
    op(OP.BINFLOAT, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0);
    op(OP.EMPTY_LIST);
    op(OP.BININT1, 1);
    op(OP.APPEND);
    op(OP.EMPTY_LIST);
    op(OP.MARK);
    op(OP.BININT1, 1);
    op(OP.BININT1, 2);
    op(OP.APPENDS);
    op(OP.EMPTY_TUPLE);
    op(OP.BININT1, 1);
    op(OP.TUPLE1);
    op(OP.BININT1, 1);
    op(OP.BININT1, 2);
    op(OP.TUPLE2);
    op(OP.BININT1, 1);
    op(OP.BININT1, 2);
    op(OP.BININT1, 3);
    op(OP.TUPLE3);
    op(OP.MARK);
    op(OP.BININT1, 1);
    op(OP.TUPLE);
    op(OP.EMPTY_DICT);
    op(OP.BININT1, 1);
    op(OP.BININT1, 2);
    op(OP.SETITEM);
    op(OP.EMPTY_DICT);
    op(OP.MARK);
    op(OP.BININT1, 1);
    op(OP.BININT1, 2);
    op(OP.SETITEMS);
    op(OP.MARK);
    op(OP.BININT1, 1);
    op(OP.BININT1, 2);
    op(OP.DICT);
    op(OP.EMPTY_SET);
    op(OP.MARK);
    op(OP.BININT1, 1);
    op(OP.ADDITEMS);
    op(OP.MARK);
    op(OP.BININT1, 1);
    op(OP.FROZENSET);
    op(OP.BININT1, 9);
    op(OP.POP);
    op(OP.BININT1, 9);
    op(OP.DUP);
    op(OP.POP);
    op(OP.MARK);
    op(OP.BININT1, 1);
    op(OP.POP_MARK);
    op("p5\n");
    op(OP.POP);
    op("g5\n");
    op(OP.BININT1, 7);
    op(OP.BINPUT, 6);
    op(OP.POP);
    op(OP.BINGET, 6);
    op(OP.BININT1, 7);
    op(OP.LONG_BINPUT, ...u32(7000));
    op(OP.POP);
    op(OP.LONG_BINGET, ...u32(7000));
    op(OP.BININT1, 8);
    op(OP.MEMOIZE);
    op("ccollections\nOrderedDict\n");
    op(OP.EMPTY_TUPLE);
    op(OP.REDUCE);
    op(OP.SHORT_BINUNICODE, 11, "collections");
    op(OP.SHORT_BINUNICODE, 11, "OrderedDict");
    op(OP.STACK_GLOBAL);
    op(OP.MARK);
    op("icollections\nOrderedDict\n");
    op(OP.MARK);
    op("ccollections\nOrderedDict\n");
    op(OP.OBJ);
    op("ccollections\nOrderedDict\n");
    op(OP.EMPTY_TUPLE);
    op(OP.NEWOBJ);
    op("ccollections\nOrderedDict\n");
    op(OP.EMPTY_TUPLE);
    op(OP.EMPTY_DICT);
    op(OP.NEWOBJ_EX);
    op("ccollections\nOrderedDict\n");
    op(OP.EMPTY_TUPLE);
    op(OP.REDUCE);
    op(OP.EMPTY_DICT);
    op(OP.BUILD);
    op("Pfoo\n");
    op(OP.BININT1, 1);
    op(OP.BINPERSID);
    op(OP.EXT1, 1);
    op(OP.EXT2, 2, 0);
    op(OP.EXT4, 3, 0, 0, 0);
    op(OP.LIST);
    op(OP.STOP);
  };
  body();
  const payload = b.toBytes();
  const out = new P().proto(5).frame(payload.length).raw(payload).toBytes();
  return { bytes: out, ops: ops + 2 };
}

describe("pickle VM", () => {
  it("decodes all 68 opcodes of protocols 0-5 without a defect", async () => {
    const { bytes, ops } = everyOpcode();
    const seen = new Set<number>();
    // Walk the op bytes we wrote to prove the stream really covers the whole table.
    for (const value of Object.values(OP)) seen.add(value);
    expect(seen.size).toBe(68);
    const doc = await parsePickle(new MemorySource(bytes));
    expect(doc.defects).toEqual([]);
    expect(doc.reachedStop).toBe(true);
    expect(doc.stats.ops).toBe(ops);
    expect(doc.endOffset).toBe(bytes.length);
    expect(doc.imports.map(importName)).toContain("collections.OrderedDict");
    expect(doc.imports.filter((i) => i.via === "EXT")).toHaveLength(3);
    expect(doc.persistentIds).toHaveLength(2);
  });

  it("reads the same through a stingy source that serves 7 bytes at a time", async () => {
    const { bytes } = everyOpcode();
    const a = await parsePickle(new MemorySource(bytes));
    const b = await parsePickle(new StingySource(bytes));
    expect(b.imports.map(importName)).toEqual(a.imports.map(importName));
    expect(b.stats).toEqual(a.stats);
  });

  it("reads BININT1, BININT2 and BININT the same wherever the first window ends, and counts each op once", async () => {
    // The loop reads the three widths as one four-byte read, masked; near a window's end that read
    // does not fit, and the op goes to step() or to the next window. Here the integers start at
    // each of the 12 offsets before the end of the parser's first window (64 KiB).
    const ints: [number[], number][] = [
      [[OP.BININT1, 0xff], 255],
      [[OP.BININT2, 0xff, 0xff], 65535],
      [[OP.BININT, ...u32(-1 >>> 0)], -1],
      [[OP.BININT, ...u32(0x80000000)], -2147483648],
      [[OP.BININT, ...u32(0x7fffffff)], 2147483647],
      [[OP.BININT1, 0], 0],
      [[OP.BININT2, 0x00, 0x01], 256],
    ];
    for (let k = 1; k <= 12; k++) {
      // PROTO 2, EMPTY_LIST, a BINUNICODE filler and POP (9 bytes and its text), then MARK at 64 KiB - k.
      const filler = 65536 - k - 9;
      const bytes = new P()
        .raw(OP.PROTO, 2, OP.EMPTY_LIST, OP.BINUNICODE, ...u32(filler), "x".repeat(filler), OP.POP, OP.MARK)
        .raw(...ints.flatMap(([op]) => op))
        .raw(OP.APPENDS, OP.STOP)
        .toBytes();
      const doc = await parsePickle(new MemorySource(bytes));
      expect(doc.defects).toEqual([]);
      expect((doc.results[0] as { items: unknown[] }).items).toEqual(ints.map(([, value]) => value));
      expect(doc.stats.ops).toBe(5 + ints.length + 2); // PROTO, EMPTY_LIST, BINUNICODE, POP, MARK; the integers; APPENDS, STOP
    }
  });

  it("refuses a negative PUT key, as CPython does (the VM's loop uses -1 for MEMOIZE's next key)", async () => {
    const doc = await parsePickle(new MemorySource(te.encode("Np-1\n0.")));
    expect(doc.defects.map((d) => d.code)).toEqual(["pickle-bad-argument"]);
    expect(doc.stats.memoPuts).toBe(0);
    // The near-miss: key 0 is stored, and a GET of it reads it back.
    const near = await parsePickle(new MemorySource(te.encode("Np0\n0g0\n.")));
    expect(near.defects).toEqual([]);
    expect(near.stats.memoPuts).toBe(1);
    expect(near.results).toEqual([null]);
  });

  it("keeps going after STOP: a payload in the second pickle is found", async () => {
    const first = new P().proto(2).none().stop().toBytes();
    const second = P.call("os", "system", "id");
    const doc = await parsePickle(new MemorySource(new Uint8Array([...first, ...second])));
    expect(doc.streams.filter((s) => !s.speculative)).toHaveLength(2);
    expect(doc.imports.map(importName)).toContain("os.system");
  });

  it("keeps what it saw before an invalid opcode (nullifAI) and reports the break", async () => {
    const payload = new P().proto(2).global("os", "system").unicode("id").tuple1().reduce().raw(0xff, 1, 2, 3).toBytes();
    const doc = await parsePickle(new MemorySource(payload));
    expect(doc.imports.map(importName)).toEqual(["os.system"]);
    expect(doc.defects.map((d) => d.code)).toContain("pickle-invalid-opcode");
  });

  it("finds a protocol-0 payload hidden after garbage behind a benign pickle", async () => {
    const benign = new P().proto(2).none().stop().toBytes();
    const hidden = te.encode("\x00\x01garbage\x00cposix\nsystem\n(S'id'\ntR.");
    const doc = await parsePickle(new MemorySource(new Uint8Array([...benign, ...hidden])));
    expect(doc.trailing?.offset).toBe(benign.length);
    expect(doc.imports.map(importName)).toContain("posix.system");
  });

  it("skips large payloads by length instead of reading them", async () => {
    const size = 1024 ** 3;
    const head = new P().proto(4).raw(0x8e, ...u64(size)).toBytes();
    const tail = new P().stop().toBytes();
    const source = new SparseSource(size + head.length + tail.length, [
      [0, head],
      [head.length + size, tail],
    ]);
    const doc = await parsePickle(source);
    expect(doc.defects).toEqual([]);
    expect(doc.reachedStop).toBe(true);
    expect(source.stats.bytesRead).toBeLessThan(2 * 1024 * 1024);
  });
});

describe("pickle limits", () => {
  const run = (bytes: Uint8Array, limits: Parameters<typeof resolveLimits>[0]) => parsePickle(new MemorySource(bytes), { limits: resolveLimits(limits) });
  const list = (n: number): Uint8Array => {
    const b = new P().emptyList().mark();
    for (let i = 0; i < n; i++) b.int(1);
    return b.appends().stop().toBytes();
  };
  it("maxPickleOps: at the limit passes, one past fails closed", async () => {
    const bytes = list(10); // 1 + 1 + 10 + 1 + 1 = 14 ops
    expect((await run(bytes, { maxPickleOps: 14 })).defects).toEqual([]);
    const past = await run(bytes, { maxPickleOps: 13 });
    expect(past.defects.map((d) => d.limit)).toEqual(["maxPickleOps"]);
    expect(past.defects[0]?.fatal).toBe(true);
  });
  it("maxStackDepth: at the limit passes, one past fails closed", async () => {
    const bytes = list(10); // the list (buried), its MARK frame and 10 items: 12 live values
    expect((await run(bytes, { maxStackDepth: 12 })).defects).toEqual([]);
    expect((await run(bytes, { maxStackDepth: 11 })).defects.map((d) => d.limit)).toEqual(["maxStackDepth"]);
  });
  it("maxStackDepth counts every MARK frame, not the deepest one", async () => {
    const b = new P().proto(2);
    for (let i = 0; i < 100; i++) b.mark().unicode("x").unicode("y");
    const doc = await run(b.stop().toBytes(), { maxStackDepth: 250 });
    expect(doc.defects.map((d) => d.limit)).toEqual(["maxStackDepth"]);
    expect(doc.defects[0]?.fatal).toBe(true);
  });
  it("a tuple of many constants is summarised: legal past the budget, and the payload after it is found", async () => {
    const b = new P().proto(2).mark();
    for (let i = 0; i < 5000; i++) b.raw(0x47, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0); // BINFLOAT 1.0
    b.tuple().pop().global("os", "system").unicode("id").tuple1().reduce().stop();
    const doc = await run(b.toBytes(), { maxStackDepth: 1000 });
    expect(doc.defects).toEqual([]);
    expect([...doc.calls.values()].map((g) => g.imp && `${g.imp.module}.${g.imp.name}`)).toEqual(["os.system"]);
  });
  it("summarised constants keep their count and answer pops with a constant", async () => {
    const b = new P().proto(2).mark().unicode("first");
    for (let i = 0; i < 3001; i++) b.int(7);
    b.tuple().stop();
    const doc = await run(b.toBytes(), { maxStackDepth: 1000 });
    expect(doc.defects).toEqual([]);
    expect(doc.results[0]).toMatchObject({ n: 3002 });
    const popped = new P().proto(2).mark();
    for (let i = 0; i < 3000; i++) popped.int(7);
    for (let i = 0; i < 2999; i++) popped.pop();
    const top = await run(popped.tuple1().stop().toBytes(), { maxStackDepth: 1000 });
    expect(top.defects).toEqual([]);
    expect(top.results[0]).toMatchObject({ items: [7] });
  });
  it("a frame of strings past the budget fails closed at once", async () => {
    const b = new P().proto(2).mark();
    for (let i = 0; i < 3000; i++) b.unicode("s");
    const doc = await run(b.tuple().stop().toBytes(), { maxStackDepth: 1000 });
    expect(doc.defects.map((d) => d.limit)).toEqual(["maxStackDepth"]);
  });
  it("maxPicklesPerStream: at the limit passes, one past is a fatal defect naming the limit", async () => {
    const one = new P().proto(2).none().stop().toBytes();
    const many = (n: number): Uint8Array => {
      const out = new Uint8Array(one.length * n);
      for (let i = 0; i < n; i++) out.set(one, i * one.length);
      return out;
    };
    expect((await run(many(5), { maxPicklesPerStream: 5 })).defects).toEqual([]);
    const past = await run(many(6), { maxPicklesPerStream: 5 });
    expect(past.defects.map((d) => d.limit)).toEqual(["maxPicklesPerStream"]);
    expect(past.defects[0]?.fatal).toBe(true);
  });
  it("a protocol-0 pickle after STOP is read like a second load() call", async () => {
    const doc = await parsePickle(new MemorySource(te.encode("I1\n.cos\nsystem\n(S'id'\ntR.")), { trial: true });
    expect(doc.imports.map(importName)).toEqual(["os.system"]);
    expect(doc.trailing).toBeUndefined();
    const text = await parsePickle(new MemorySource(te.encode("N.B. this is text\n")), { trial: true });
    expect(text.imports).toEqual([]);
  });
  it("an unsupported protocol is a fatal defect, as CPython refuses it", async () => {
    const doc = await parsePickle(new MemorySource(new Uint8Array([0x80, 6, 0x4e, 0x2e])));
    expect(doc.defects.map((d) => [d.code, d.fatal])).toEqual([["pickle-bad-argument", true]]);
  });
  it("a FRAME flood is counted, not recorded one defect at a time, and does not crash", async () => {
    const b = new P().proto(4);
    for (let i = 0; i < 200_000; i++) b.raw(0x95, 100, 0, 0, 0, 0, 0, 0, 0);
    const doc = await parsePickle(new MemorySource(b.none().stop().toBytes()));
    const frames = doc.defects.filter((d) => d.code === "pickle-frame-violation");
    expect(frames.length).toBeLessThanOrEqual(17);
    expect(frames.at(-1)?.message).toMatch(/more FRAME violations/);
  });
  it("maxMemoEntries: at the limit passes, one past is reported and later GETs are unknown", async () => {
    const bytes = new P().int(1).put(0).put(1).put(2).pop().get(2).stop().toBytes();
    expect((await run(bytes, { maxMemoEntries: 3 })).defects).toEqual([]);
    const past = await run(bytes, { maxMemoEntries: 2 });
    expect(past.defects.map((d) => d.limit)).toContain("maxMemoEntries");
  });
  it("maxPickleLineBytes: a GLOBAL line at the limit passes, one past fails", async () => {
    const name = "a".repeat(32);
    const bytes = new P().global("m", name).stop().toBytes();
    expect((await run(bytes, { maxPickleLineBytes: 32 })).defects).toEqual([]);
    expect((await run(bytes, { maxPickleLineBytes: 31 })).defects.map((d) => d.limit)).toEqual(["maxPickleLineBytes"]);
  });
  it("maxPickleBytes: a stream over the limit is scanned in part and reported", async () => {
    const bytes = list(10);
    expect((await run(bytes, { maxPickleBytes: bytes.length })).defects).toEqual([]);
    expect((await run(bytes, { maxPickleBytes: bytes.length - 1 })).defects.map((d) => d.limit)).toContain("maxPickleBytes");
  });
  it("maxVirtualElements stops a memo bomb", async () => {
    const b = new P().proto(4).emptyList().put(0);
    for (let i = 0; i < 60; i++) b.get(0).append();
    const doc = await run(b.stop().toBytes(), { maxVirtualElements: 1_000_000 });
    expect(doc.defects.map((d) => d.limit)).toContain("maxVirtualElements");
  });
  it("maxMillisPerFile: an injected clock past the deadline stops the scan", async () => {
    const bytes = list(70_000);
    let t = 0;
    const doc = await parsePickle(new MemorySource(bytes), { now: () => (t += 1000), deadline: 10 });
    expect(doc.defects.map((d) => d.code)).toContain("timeout");
  });
});

describe("robustness", () => {
  it("never throws on random bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        const report = await scanSource(new MemorySource(bytes), { path: "random.bin" });
        expect(["clean", "suspicious", "unsafe", "error"]).toContain(report.verdict);
        expect(report.errors.filter((e) => e.code === "internal-error")).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
  it("never throws on mutated real pickles", async () => {
    const { bytes } = everyOpcode();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (edits) => {
        const copy = bytes.slice();
        for (const [at, value] of edits) copy[at] = value;
        const report = await scanSource(new MemorySource(copy), { path: "mutated.pkl" });
        expect(report.errors.filter((e) => e.code === "internal-error")).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});

/** A large source made of zeros except for a few written ranges; nothing is allocated for the zeros. */
class SparseSource implements ByteSource {
  readonly stats = { bytesRead: 0, reads: 0 };
  constructor(
    readonly size: number,
    private readonly parts: [number, Uint8Array][],
  ) {}
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    const out = new Uint8Array(length);
    for (const [at, data] of this.parts) {
      const from = Math.max(at, offset);
      const to = Math.min(at + data.length, offset + length);
      if (from < to) out.set(data.subarray(from - at, to - at), from - offset);
    }
    this.stats.bytesRead += length;
    this.stats.reads++;
    return out;
  }
  slice(offset: number, length: number): ByteSource {
    return new SliceSource(this, offset, length);
  }
}

describe("FRAME edges", () => {
  it("flags a fixed-size argument (BININT) that crosses the frame end", async () => {
    const bytes = new P().proto(4).frame(3).raw(0x4a, 1, 0, 0, 0).stop().toBytes();
    const doc = await parsePickle(new MemorySource(bytes));
    expect(doc.defects.map((d) => d.code)).toContain("pickle-frame-violation");
  });
  it("accepts a fixed-size argument that ends exactly at the frame end", async () => {
    const bytes = new P().proto(4).frame(5).raw(0x4a, 1, 0, 0, 0).stop().toBytes();
    const doc = await parsePickle(new MemorySource(bytes));
    expect(doc.defects).toEqual([]);
  });
});

describe("protocol versions", () => {
  it("a file in a protocol CPython refuses scans as an error, not as an unknown file", async () => {
    const report = await scanSource(new MemorySource(new Uint8Array([0x80, 6, 0x4e, 0x2e])), { path: "model.pkl" });
    expect(report.verdict).toBe("error");
    expect(report.errors.map((e) => e.message).join(" ")).toMatch(/Unsupported pickle protocol 6/);
  });
});

describe("time limit", () => {
  it("is checked between concatenated pickles too (each is far shorter than the VM's check interval)", async () => {
    const one = [0x80, 2, 0x4e, 0x2e];
    const bytes = new Uint8Array(Array.from({ length: 400 }, () => one).flat());
    let t = 0;
    const doc = await parsePickle(new MemorySource(bytes), { now: () => (t += 1), deadline: 50 });
    expect(doc.defects.map((d) => [d.code, d.limit])).toEqual([["timeout", "maxMillisPerFile"]]);
    expect(doc.streams.length).toBeLessThan(400);
  });
});

describe("live weight", () => {
  const run = (bytes: Uint8Array, limits: Parameters<typeof resolveLimits>[0]) => parsePickle(new MemorySource(bytes), { limits: resolveLimits(limits) });
  const nested = (count: number): Uint8Array => {
    const b = new P().proto(2);
    for (let i = 0; i < count; i++) {
      b.mark();
      for (let k = 0; k < 16; k++) b.emptyList();
      b.raw(0x6c); // LIST
    }
    return b.stop().toBytes();
  };
  it("counts the objects each value holds, not only the slots", async () => {
    // 200 slots, each a list holding 16 lists: 3,600 objects.
    const doc = await run(nested(200), { maxStackDepth: 2000 });
    expect(doc.defects.map((d) => d.limit)).toEqual(["maxStackDepth"]);
  });
  it("the same shape within the budget passes", async () => {
    const doc = await run(nested(50), { maxStackDepth: 2000 });
    expect(doc.defects).toEqual([]);
  });
  it("a budget whose first weight check is held back (FIRST_WEIGHT_CALL) still measures", async () => {
    // An eighth of 40,000 is 5,000 objects, past the early call at 256. The room held back is
    // given back, and no more: with ten times as much, the first measurement came after the
    // 40,800 objects of 2,400 slots, and they passed.
    expect((await run(nested(2400), { maxStackDepth: 40_000 })).defects.map((d) => d.limit)).toEqual(["maxStackDepth"]);
    expect((await run(nested(2200), { maxStackDepth: 40_000 })).defects).toEqual([]);
  });
});

describe("limits that do not stop the scan", () => {
  it("are notes in the report (too many places where a hidden pickle may start)", async () => {
    const junk = Array.from({ length: 70 }, () => [0x80, 2, 0xff]).flat();
    const bytes = new Uint8Array([0x80, 2, 0x4e, 0x2e, 0xff, ...junk]);
    const report = await scanSource(new MemorySource(bytes), { path: "model.pkl" });
    expect(report.notes.join(" ")).toMatch(/Limit maxResyncCandidates reached/);
  });
});

describe("pickle VM: a vocabulary of short strings (decoded only when read)", () => {
  /** A tokenizer-like dict {key: id} at protocol 4, 1,000 pairs per SETITEMS, every key memoized. */
  function vocabulary(count: number, keyOf: (i: number) => string): Uint8Array {
    const b = new P().proto(4).emptyDict().memoize();
    for (let i = 0; i < count; i += 1000) {
      b.mark();
      for (let j = i; j < Math.min(count, i + 1000); j++) b.unicode(keyOf(j)).memoize().int(j);
      b.setitems();
    }
    // The VM still reads strings right after millions of undecoded ones: a literal import.
    return b.unicode("os").memoize().unicode("system").memoize().stackGlobal().memoize().pop().stop().toBytes();
  }

  it("keeps the first pairs decoded (ASCII and not), counts every pair and still finds encoded pickles and imports", async () => {
    const encoded = btoa(String.fromCharCode(...P.call("os", "system", "id")));
    // 140,000 keys: past the memo's whole entries and its name budget, across a window edge (1 MiB).
    const keyOf = (i: number): string => (i === 5000 ? encoded : i % 7 === 0 ? `é${i}` : `k${i}`);
    const doc = await parsePickle(new MemorySource(vocabulary(140_000, keyOf)));
    expect(doc.defects).toEqual([]);
    expect(doc.reachedStop).toBe(true);
    expect(doc.stats.memoPuts).toBe(140_000 + 4);
    const dict = doc.results[0] as { k: number; n: number; pairs: unknown[] };
    expect(dict.n).toBe(140_000);
    expect(dict.pairs.slice(0, 4)).toEqual(["é0", 0, "k1", 1]);
    expect(dict.pairs[14]).toBe("é7");
    expect(doc.embedded.map((e) => e.reason)).toEqual(["string is an encoded pickle"]);
    expect(doc.imports.map(importName)).toContain("os.system");
  });

  it("reads memoized short strings back by GET whether the memo kept them or not", async () => {
    // Protocol 2 style: BINUNICODE + LONG_BINPUT, then GETs of an early (kept) and a late (dropped) key.
    const b = new P().proto(2).raw(OP.EMPTY_LIST).put(0).mark();
    const put = (i: number): void => void b.raw(OP.LONG_BINPUT, ...u32(i));
    b.raw(OP.BINUNICODE, ...u32(2), "os");
    put(1);
    b.raw(OP.BINUNICODE, ...u32(6), "system");
    put(2);
    for (let i = 3; i < 140_000; i++) {
      const s = `w${i}`;
      b.raw(OP.BINUNICODE, ...u32(s.length), s);
      put(i);
    }
    b.appends().raw(OP.LONG_BINGET, ...u32(1)).raw(OP.LONG_BINGET, ...u32(2)).stackGlobal().pop();
    b.raw(OP.LONG_BINGET, ...u32(139_999)).raw(OP.LONG_BINGET, ...u32(139_998)).stackGlobal().pop().stop();
    const doc = await parsePickle(new MemorySource(b.toBytes()));
    expect(doc.imports.filter((i) => i.resolved).map(importName)).toEqual(["os.system"]);
    // The late keys were dropped from the memo: that import is reported, unresolved, never guessed.
    expect(doc.imports.filter((i) => !i.resolved)).toHaveLength(1);
    const list = doc.results[0] as { n: number; items: unknown[] };
    expect(list.n).toBe(139_999);
    expect(list.items.slice(0, 3)).toEqual(["os", "system", "w3"]);
  });

  it("memoizes tuples by every put op, past the memo's whole entries too, and reads them back by GET", async () => {
    // The hot loop runs the MEMOIZE after a TUPLE3 itself (BINPUT and LONG_BINPUT go through
    // memoPut()), and past the first 65,536 entries only marks a fresh key: a GET must still tell a
    // kept tuple, a dropped one (unknown, said once) and a key never put (a defect) apart.
    const b = new P().proto(4).emptyList().memoize().mark();
    for (let i = 1; i < 70_000; i++) {
      b.int(i).int(2 * i).none().raw(OP.TUPLE3);
      if (i % 3 === 0) b.memoize();
      else if (i % 3 === 1 || i > 255) b.raw(OP.LONG_BINPUT, ...u32(i));
      else b.put(i);
    }
    b.appends().pop().mark();
    for (const key of [4, 200, 65_535, 69_998, 69_999, 70_001]) b.raw(OP.LONG_BINGET, ...u32(key));
    b.tuple().stop();
    const doc = await parsePickle(new MemorySource(b.toBytes()));
    expect(doc.stats.memoPuts).toBe(70_000);
    const gets = (doc.results[0] as { items: unknown[] }).items;
    expect(gets.slice(0, 3)).toMatchObject([{ items: [4, 8, null] }, { items: [200, 400, null] }, { items: [65_535, 131_070, null] }]);
    expect(gets.slice(3, 5)).toMatchObject([{ k: 11 }, { k: 11 }]);
    expect(doc.defects.map((d) => d.limit ?? d.code)).toEqual(["memoKeptValues", "pickle-memo-missing"]);
  });

  it("names past the memo's whole entries are kept while other strs are dropped undecoded", async () => {
    // A GPT-2 style vocabulary: most keys are not names ("Ġk…"), so the name budget never fills and
    // the memo must tell names from bytes alone. "os" and "system" are memoized late and read back.
    const b = new P().proto(4).emptyList().memoize().mark();
    for (let i = 1; i < 100_000; i++) b.unicode(`Ġk${i}`).memoize();
    b.unicode("os").memoize().unicode("system").memoize().unicode("Ġlast").memoize().appends();
    const get = (i: number): void => void b.raw(OP.LONG_BINGET, ...u32(i));
    get(100_000);
    get(100_001);
    b.stackGlobal().pop();
    get(100_002);
    b.pop().stop();
    const doc = await parsePickle(new MemorySource(b.toBytes()));
    expect(doc.imports.map(importName)).toEqual(["os.system"]);
    expect(doc.imports[0]?.resolved).toBe(true);
    // The late non-name was dropped: its GET is unknown, said once.
    expect(doc.defects.map((d) => d.limit)).toEqual(["memoKeptValues"]);
    expect(doc.results[0]).toMatchObject({ n: 100_002, items: ["Ġk1", "Ġk2"].concat(Array.from({ length: 14 }, (_, i) => `Ġk${i + 3}`)) });
  });

  it("strs keep their own text across MARKs, pops, nested frames and TUPLEs", async () => {
    // Each frame's strs are read after a frame above it was built and consumed.
    const b = new P().proto(4).mark().unicode("os").unicode("system");
    b.mark().unicode("a").unicode("b").unicode("c").tuple().pop();
    b.mark().unicode("x").memoize().unicode("y").tuple2().unicode("z").tuple().pop();
    b.stackGlobal().unicode("id").tuple1().reduce().unicode("tail").tuple2();
    b.mark().unicode("k1").int(1).unicode("k2").unicode("v2").raw(OP.DICT).tuple2().tuple().stop();
    const doc = await parsePickle(new MemorySource(b.toBytes()));
    expect(doc.defects).toEqual([]);
    expect([...doc.calls.values()].map((g) => g.samples[0]?.text)).toEqual(["os.system('id')"]);
    // The text is made when first read, and a serialised document still carries it.
    expect(JSON.parse(JSON.stringify([...doc.calls.values()][0]?.samples))).toEqual([{ offset: expect.any(Number) as number, op: "REDUCE", text: "os.system('id')" }]);
    // The first MARK's TUPLE holds ((call, "tail"), {"k1": 1, "k2": "v2"}).
    const result = doc.results[0] as { n: number; items: { items: { items: unknown[] }[] }[] };
    expect(result.n).toBe(1);
    expect(result.items[0]?.items[0]?.items[1]).toBe("tail");
    expect(result.items[0]?.items[1]).toMatchObject({ pairs: ["k1", 1, "k2", "v2"] });
  });

  it("strs keep their own text when constants below them are summarised", async () => {
    // 100 constants, two strs, then enough constants to pass the budget: the run folded under the
    // strs moves them down the frame; the dict must still pair them.
    const b = new P().proto(4).mark();
    for (let i = 0; i < 100; i++) b.int(i);
    b.unicode("os").unicode("system");
    for (let i = 0; i < 3000; i++) b.int(7);
    b.raw(OP.DICT).stop();
    const doc = await parsePickle(new MemorySource(b.toBytes()), { limits: resolveLimits({ maxStackDepth: 1000 }) });
    expect(doc.defects).toEqual([]);
    const dict = doc.results[0] as { n: number; pairs: unknown[] };
    expect(dict.n).toBe(1551);
    expect(dict.pairs.slice(16, 18)).toEqual(["os", "system"]);
  });

  it("reads the same whatever the window edge falls on (a str and its memo put split across windows)", async () => {
    const body = new P().emptyDict().memoize();
    for (let i = 0; i < 80_000; i += 1000) {
      body.mark();
      for (let j = i; j < i + 1000; j++) body.unicode(`key${j}`).memoize().int(j);
      body.setitems();
    }
    const tail = body.unicode("os").memoize().unicode("system").memoize().stackGlobal().pop().stop().toBytes();
    // A str of 0-7 bytes and a POP before it move the 1 MiB edge across every byte of a record.
    for (let pad = 0; pad < 8; pad++) {
      const head = new P().proto(4).unicode("x".repeat(pad)).pop().toBytes();
      const bytes = new Uint8Array(head.length + tail.length);
      bytes.set(head);
      bytes.set(tail, head.length);
      const doc = await parsePickle(new MemorySource(bytes));
      expect(doc.defects).toEqual([]);
      expect(doc.stats.memoPuts).toBe(80_000 + 3);
      // PROTO, the padding, EMPTY_DICT MEMOIZE, 80 x (MARK, 1,000 x 3, SETITEMS), the import: each op once.
      expect(doc.stats.ops).toBe(1 + 2 + 2 + 80 * 3002 + 7);
      const dict = doc.results[0] as { n: number; pairs: unknown[] };
      expect(dict.n).toBe(80_000);
      expect(dict.pairs.slice(0, 4)).toEqual(["key0", 0, "key1", 1]);
      expect(doc.imports.map(importName)).toEqual(["os.system"]);
    }
  });

  it("maxPickleOps counts a memo put run with its str: at the limit passes, one past fails closed", async () => {
    const b = new P().proto(4).emptyList().mark();
    for (let i = 0; i < 10; i++) b.unicode(`s${i}`).memoize();
    const bytes = b.appends().stop().toBytes(); // 2 + 1 + 20 + 1 + 1 = 25 ops
    const run = (maxPickleOps: number) => parsePickle(new MemorySource(bytes), { limits: resolveLimits({ maxPickleOps }) });
    expect((await run(25)).defects).toEqual([]);
    for (const limit of [24, 13, 12]) expect((await run(limit)).defects.map((d) => d.limit)).toEqual(["maxPickleOps"]);
  });
});
