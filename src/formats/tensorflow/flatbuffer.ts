import { defect, type Defect } from "../../core/defect.js";
import type { ByteWindow } from "../compress/byte-window.js";
import { MAX_TFLITE_TABLES, MAX_TFLITE_VECTOR } from "./limits.js";

/** A FlatBuffers table: its position and the vtable that says where its fields are. */
export interface FlatTable {
  pos: number;
  vtable: number;
  vtableSize: number;
  tableSize: number;
}

/** A field of a table: its vtable slot, and what to call it in defect messages. */
export interface FieldRef {
  slot: number;
  what: string;
}

export interface FlatVector {
  /** Position of the first element. */
  start: number;
  length: number;
}

const utf8 = new TextDecoder("utf-8");

/**
 * Bounds-checked FlatBuffers reads (flatbuffers/internals.md): every offset, vtable and vector
 * is checked against the file before use, and a bad one becomes a `flatbuffer-bounds` defect
 * instead of a read past the end. Reads go through a window, so only the tables are fetched.
 */
export class FlatReader {
  readonly defects: Defect[] = [];
  stopped = false;
  private tables = 0;

  constructor(private readonly w: ByteWindow) {}

  get size(): number {
    return this.w.size;
  }

  async uint(offset: number, width: 1 | 2 | 4 | 8): Promise<number | undefined> {
    const b = await this.w.read(offset, width);
    if (!b) return undefined;
    let value = 0;
    for (let i = width - 1; i >= 0; i--) value = value * 256 + (b[i] as number);
    return value;
  }

  async int(offset: number, width: 1 | 4): Promise<number | undefined> {
    const u = await this.uint(offset, width);
    if (u === undefined) return undefined;
    const bits = width * 8;
    return u >= 2 ** (bits - 1) ? u - 2 ** bits : u;
  }

  bad(message: string, offset: number): undefined {
    this.defects.push(defect("flatbuffer-bounds", message, { offset }));
    return undefined;
  }

  /** The table at `pos`, with its vtable checked (internals.md "Tables"). */
  async table(pos: number, what: string): Promise<FlatTable | undefined> {
    if (this.stopped) return undefined;
    if (++this.tables > MAX_TFLITE_TABLES) {
      this.stopped = true;
      this.defects.push(defect("limit-exceeded", `Cannot parse TFLite: more than ${MAX_TFLITE_TABLES} tables; the rest were not checked`, { offset: pos, limit: "MAX_TFLITE_TABLES" }));
      return undefined;
    }
    const soffset = await this.int(pos, 4);
    if (soffset === undefined) return this.bad(`${what} table at offset ${pos} lies outside the file`, pos);
    const vtable = pos - soffset;
    const vtableSize = vtable >= 0 ? await this.uint(vtable, 2) : undefined;
    const tableSize = vtable >= 0 ? await this.uint(vtable + 2, 2) : undefined;
    if (vtableSize === undefined || tableSize === undefined) return this.bad(`${what} table at offset ${pos} has its vtable at ${vtable}, outside the file`, pos);
    if (vtableSize < 4 || vtableSize % 2 !== 0 || vtable + vtableSize > this.size) return this.bad(`${what} table at offset ${pos} has a vtable of ${vtableSize} bytes at ${vtable} that does not fit the file`, pos);
    if (tableSize < 4 || pos + tableSize > this.size) return this.bad(`${what} table at offset ${pos} declares ${tableSize} bytes, past the end of the file`, pos);
    return { pos, vtable, vtableSize, tableSize };
  }

  /** Absolute position of field `slot`, 0 when absent; a field that overruns its table is a defect. */
  async field(t: FlatTable, { slot, width, what }: FieldRef & { width: number }): Promise<number | undefined> {
    const entry = 4 + 2 * slot;
    if (entry + 2 > t.vtableSize) return 0;
    const off = await this.uint(t.vtable + entry, 2);
    if (off === undefined) return this.bad(`${what}: vtable entry outside the file`, t.vtable);
    if (off === 0) return 0;
    if (off + width > t.tableSize) return this.bad(`${what}: field ${slot} at +${off} runs past its ${t.tableSize}-byte table at ${t.pos}`, t.pos);
    return t.pos + off;
  }

  /** A scalar field, `fallback` when absent (the schema default). */
  async scalar(t: FlatTable, { slot, width, fallback = 0, signed = false, what }: FieldRef & { width: 1 | 2 | 4 | 8; fallback?: number; signed?: boolean }): Promise<number | undefined> {
    const at = await this.field(t, { slot, width, what });
    if (at === undefined) return undefined;
    if (at === 0) return fallback;
    return signed && (width === 1 || width === 4) ? this.int(at, width) : this.uint(at, width);
  }

  /** Follows the uoffset stored at `at`. */
  async follow(at: number, what: string): Promise<number | undefined> {
    const rel = await this.uint(at, 4);
    if (rel === undefined) return this.bad(`${what}: offset at ${at} lies outside the file`, at);
    const target = at + rel;
    if (target >= this.size) return this.bad(`${what}: offset at ${at} points to ${target}, past the end of the file`, at);
    return target;
  }

  /** A vector field: null when absent; checked to fit the file with `elemSize`-byte elements. */
  async vector(t: FlatTable, { slot, elemSize, what }: FieldRef & { elemSize: number }): Promise<FlatVector | null | undefined> {
    const at = await this.field(t, { slot, width: 4, what });
    if (at === undefined) return undefined;
    if (at === 0) return null;
    const target = await this.follow(at, what);
    if (target === undefined) return undefined;
    const length = await this.uint(target, 4);
    if (length === undefined) return this.bad(`${what}: vector length at ${target} lies outside the file`, target);
    if (length > MAX_TFLITE_VECTOR) {
      this.defects.push(defect("limit-exceeded", `${what}: vector of ${length} elements exceeds limit ${MAX_TFLITE_VECTOR}`, { offset: target, limit: "MAX_TFLITE_VECTOR" }));
      return undefined;
    }
    if (target + 4 + length * elemSize > this.size) return this.bad(`${what}: vector of ${length} × ${elemSize} bytes at ${target} runs past the end of the file (${this.size} bytes)`, target);
    return { start: target + 4, length };
  }

  /** The table that element `index` of a vector of tables points to. */
  async element(v: FlatVector, { index, what }: { index: number; what: string }): Promise<FlatTable | undefined> {
    const target = await this.follow(v.start + 4 * index, what);
    return target === undefined ? undefined : this.table(target, what);
  }

  /** A string field (a byte vector), cut after `max` bytes; null when absent. */
  async string(t: FlatTable, { slot, max, what }: FieldRef & { max: number }): Promise<string | null | undefined> {
    const v = await this.vector(t, { slot, elemSize: 1, what });
    if (!v) return v;
    const bytes = await this.w.read(v.start, Math.min(v.length, max));
    if (!bytes) return undefined;
    const text = utf8.decode(bytes);
    return v.length > max ? `${text}…(${v.length} bytes)` : text;
  }
}
