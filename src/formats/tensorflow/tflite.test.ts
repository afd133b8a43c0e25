import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { RULES } from "../../rules/index.js";
import { TF_RULES } from "../../rules/tensorflow/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { everySource } from "../../test-support/stingy-source.js";
import { FORMAT_HANDLERS } from "../index.js";
import { MAX_TFLITE_VECTOR } from "./limits.js";
import { parseTflite } from "./tflite.js";
import { tfliteHandler } from "./tflite-handler.js";

const handlers = [...new Set([...FORMAT_HANDLERS, tfliteHandler])];
const rules = [...new Set([...RULES, ...TF_RULES])];

/** A scalar or a reference (filled in later with `link`) in a table. */
type Slot = { slot: number; width: 1 | 4 | 8; value: number } | { slot: number; ref: true };

/**
 * A forward FlatBuffers writer for tests: parents first, children after, references patched
 * with `link`. Every byte is placed explicitly so a test can break exactly one invariant.
 */
class FlatWriter {
  readonly b: number[] = [0, 0, 0, 0, ..."TFL3"].map((c) => (typeof c === "string" ? c.charCodeAt(0) : c));
  private pad(n: number): void {
    while (this.b.length % n !== 0) this.b.push(0);
  }
  private put(value: number, width: number): void {
    for (let i = 0; i < width; i++) this.b.push(Math.floor(value / 2 ** (8 * i)) & 0xff);
  }
  setU32(at: number, value: number): void {
    for (let i = 0; i < 4; i++) this.b[at + i] = (value >>> (8 * i)) & 0xff;
  }
  /** Writes a vtable then its table; returns the table position and where each ref field is. */
  table(slots: Slot[]): { pos: number; refs: Map<number, number> } {
    const count = slots.reduce((m, s) => Math.max(m, s.slot + 1), 0);
    const layout: { s: Slot; off: number }[] = [];
    let size = 4;
    for (const s of slots) {
      const width = "ref" in s ? 4 : s.width;
      size = Math.ceil(size / width) * width;
      layout.push({ s, off: size });
      size += width;
    }
    this.pad(2);
    const vt = this.b.length;
    this.put(4 + 2 * count, 2);
    this.put(size, 2);
    for (let i = 0; i < count; i++) this.put(layout.find((l) => l.s.slot === i)?.off ?? 0, 2);
    this.pad(8);
    const pos = this.b.length;
    this.put(pos - vt, 4);
    const refs = new Map<number, number>();
    for (const { s, off } of layout) {
      while (this.b.length < pos + off) this.b.push(0);
      if ("ref" in s) {
        refs.set(s.slot, this.b.length);
        this.put(0, 4);
      } else this.put(s.value, s.width);
    }
    return { pos, refs };
  }
  /** A vector of `n` references; returns the positions of its elements. */
  vector(n: number, declared = n): { pos: number; elems: number[] } {
    this.pad(4);
    const pos = this.b.length;
    this.put(declared, 4);
    const elems: number[] = [];
    for (let i = 0; i < n; i++) {
      elems.push(this.b.length);
      this.put(0, 4);
    }
    return { pos, elems };
  }
  string(s: string): number {
    this.pad(4);
    const pos = this.b.length;
    const bytes = new TextEncoder().encode(s);
    this.put(bytes.length, 4);
    this.b.push(...bytes, 0);
    return pos;
  }
  link(at: number, target: number): void {
    this.setU32(at, target - at);
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.b);
  }
}

interface ModelSpec {
  customCodes: (string | undefined)[];
  /** Operator code index per operator. */
  operators: number[];
  declaredOperators?: number;
  tensorBuffer?: number;
}

/** Model { 0 version, 1 operator_codes, 2 subgraphs, 4 buffers } with one subgraph and one tensor. */
function tflite(spec: ModelSpec): Uint8Array {
  const w = new FlatWriter();
  const model = w.table([{ slot: 0, width: 4, value: 3 }, { slot: 1, ref: true }, { slot: 2, ref: true }, { slot: 4, ref: true }]);
  w.setU32(0, model.pos);
  const codes = w.vector(spec.customCodes.length);
  w.link(model.refs.get(1)!, codes.pos);
  spec.customCodes.forEach((custom, i) => {
    const builtin = custom === undefined ? 0 : 32;
    const t = w.table([{ slot: 0, width: 1, value: builtin }, ...(custom === undefined ? [] : [{ slot: 1, ref: true } as const]), { slot: 2, width: 4, value: 1 }, { slot: 3, width: 4, value: builtin }]);
    w.link(codes.elems[i]!, t.pos);
    if (custom !== undefined) w.link(t.refs.get(1)!, w.string(custom));
  });
  const subgraphs = w.vector(1);
  w.link(model.refs.get(2)!, subgraphs.pos);
  const sg = w.table([{ slot: 0, ref: true }, { slot: 3, ref: true }]);
  w.link(subgraphs.elems[0]!, sg.pos);
  const tensors = w.vector(1);
  w.link(sg.refs.get(0)!, tensors.pos);
  const tensor = w.table([{ slot: 2, width: 4, value: spec.tensorBuffer ?? 0 }]);
  w.link(tensors.elems[0]!, tensor.pos);
  const ops = w.vector(spec.operators.length, spec.declaredOperators);
  w.link(sg.refs.get(3)!, ops.pos);
  spec.operators.forEach((index, i) => {
    const op = w.table([{ slot: 0, width: 4, value: index }]);
    w.link(ops.elems[i]!, op.pos);
  });
  const buffers = w.vector(1);
  w.link(model.refs.get(4)!, buffers.pos);
  w.link(buffers.elems[0]!, w.table([]).pos);
  return w.bytes();
}

const scan = (bytes: Uint8Array) => scanBytes(bytes, { path: "model.tflite", handlers, rules });

describe("TFLite", () => {
  it("parses a plain model with builtin ops and no findings", async () => {
    const bytes = tflite({ customCodes: [undefined], operators: [0, 0] });
    for (const { make } of everySource(bytes)) {
      const { document, defects } = await parseTflite(make());
      expect(defects).toEqual([]);
      expect(document).toMatchObject({ version: 3, subgraphs: 1, operators: 2, tensors: 1, buffers: 1, ops: [], customOps: [] });
    }
    const report = await scan(bytes);
    expect(report).toMatchObject({ verdict: "clean", formats: ["tflite"], findings: [] });
  });

  it("applies the TensorFlow op list to Flex ops (FlexReadFile is ReadFile)", async () => {
    const report = await scan(tflite({ customCodes: ["FlexReadFile", "FlexAddV2"], operators: [0, 1] }));
    expect(report.verdict).toBe("unsafe");
    expect(report.findings.map((f) => f.ruleId)).toEqual(["TF001"]);
    expect(report.findings[0]?.message).toContain("ReadFile");
  });

  it("lists custom ops low, but not the ones the runtime ships", async () => {
    const report = await scan(tflite({ customCodes: ["MyNativeOp", "TFLite_Detection_PostProcess"], operators: [0, 1] }));
    expect(report.findings.map((f) => f.ruleId)).toEqual(["TF004"]);
    expect(report.verdict).toBe("clean");
  });

  it("reports an operator code index past the table (CVE-2022-23559 class)", async () => {
    const { defects } = await parseTflite(new MemorySource(tflite({ customCodes: [undefined], operators: [7] })));
    expect(defects.map((d) => d.code)).toEqual(["flatbuffer-bounds"]);
    expect(defects[0]?.message).toContain("operator code 7");
    expect((await scan(tflite({ customCodes: [undefined], operators: [7] }))).verdict).toBe("error");
  });

  it("reports a tensor buffer index past the buffer list", async () => {
    const { defects } = await parseTflite(new MemorySource(tflite({ customCodes: [undefined], operators: [0], tensorBuffer: 5 })));
    expect(defects[0]?.message).toContain("buffer 5");
  });

  it("reports vector counts that do not fit the file, and counts past the limit", async () => {
    const lying = await parseTflite(new MemorySource(tflite({ customCodes: [undefined], operators: [0], declaredOperators: 1000 })));
    expect(lying.defects[0]?.message).toMatch(/vector of 1000 × 4 bytes .* runs past the end/);
    const huge = await parseTflite(new MemorySource(tflite({ customCodes: [undefined], operators: [0], declaredOperators: MAX_TFLITE_VECTOR + 1 })));
    expect(huge.defects.map((d) => d.limit)).toEqual(["MAX_TFLITE_VECTOR"]);
    const atLimit = await parseTflite(new MemorySource(tflite({ customCodes: [undefined], operators: [0], declaredOperators: MAX_TFLITE_VECTOR })));
    expect(atLimit.defects.map((d) => d.code)).toEqual(["flatbuffer-bounds"]);
  });

  it("reports a root offset or vtable outside the file instead of reading past it", async () => {
    const bytes = tflite({ customCodes: [undefined], operators: [0] });
    const badRoot = bytes.slice();
    badRoot.set([0xff, 0xff, 0xff, 0x7f], 0);
    expect((await parseTflite(new MemorySource(badRoot))).defects[0]?.code).toBe("flatbuffer-bounds");
    const badVtable = bytes.slice();
    const root = bytes[0]! | (bytes[1]! << 8);
    badVtable.set([0x00, 0x00, 0x00, 0x80], root);
    expect((await parseTflite(new MemorySource(badVtable))).defects[0]?.message).toContain("vtable");
  });
});
