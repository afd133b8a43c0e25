import type { ByteSource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import { DEADLINE_CHECK_FIELDS, MAX_PROTO_DEPTH, MAX_PROTO_FIELDS, MAX_PROTO_TEXT_BYTES, PROTO_WINDOW_BYTES } from "./limits.js";
import { MAX_FIELD_NUMBER, MAX_VARINT_BYTES, WIRE_EGROUP, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_SGROUP, WIRE_VARINT, decodeVarint } from "./varint.js";

/** A byte range `[start, end)` of the source holding a message (or a length-delimited value). */
export interface ProtoRange {
  start: number;
  end: number;
}

interface FieldBase {
  /** Field number. */
  no: number;
  /** Offset of the field's tag. */
  offset: number;
}

export interface VarintField extends FieldBase {
  wire: typeof WIRE_VARINT;
  value: number;
  /** More than 53 bits: `value` is rounded. */
  huge: boolean;
}

export interface FixedField extends FieldBase {
  wire: typeof WIRE_I64 | typeof WIRE_I32;
  /** Unsigned little-endian value (rounded above 2^53). */
  value: number;
}

/** A length-delimited field: bytes, string, sub-message or packed repeated scalars. */
export interface LenField extends FieldBase, ProtoRange {
  wire: typeof WIRE_LEN;
  /** The declared length ran past the enclosing message; `end` was cut to what exists (a defect is recorded). */
  clipped?: boolean;
}

export type ProtoField = VarintField | FixedField | LenField;

/** Where a message sits: its nesting depth and its type name for messages. */
export interface MessageScope {
  depth: number;
  what: string;
}

export interface ProtoReaderOptions {
  now?: () => number;
  /** Absolute time (ms) after which walks stop with a `timeout` defect. */
  deadline?: number;
  /** Fields decoded across the whole file (default {@link MAX_PROTO_FIELDS}). */
  maxFields?: number;
}

const utf8 = new TextDecoder("utf-8");

/**
 * Walks protobuf messages in a {@link ByteSource} without loading it: fields are decoded from a
 * small read window and length-delimited payloads (tensor bytes) are skipped by length, so a
 * 2 GB ONNX file costs a few header reads. Malformed wire data never throws: the walk of that
 * message stops, a coded defect is recorded, and the enclosing message goes on, since its
 * framing is still intact.
 *
 * @example
 * const r = new ProtoReader(source);
 * for await (const f of r.fields(r.all, { depth: 0, what: "ModelProto" })) {
 *   if (f.no === 1 && f.wire === WIRE_VARINT) irVersion = f.value;
 * }
 */
export class ProtoReader {
  readonly defects: Defect[] = [];
  /** Set when a file-wide limit or the deadline ended the walk: every later walk yields nothing. */
  stopped = false;
  private fieldCount = 0;
  private winStart = 0;
  private win: Uint8Array = new Uint8Array(0);
  private readonly now: () => number;
  private readonly deadline: number;
  private readonly maxFields: number;

  constructor(
    readonly source: ByteSource,
    options: ProtoReaderOptions = {},
  ) {
    this.now = options.now ?? (() => 0);
    this.deadline = options.deadline ?? Number.POSITIVE_INFINITY;
    this.maxFields = options.maxFields ?? MAX_PROTO_FIELDS;
  }

  /** The whole source as a range. */
  get all(): ProtoRange {
    return { start: 0, end: this.source.size };
  }

  /** Fields decoded so far. */
  get fieldsRead(): number {
    return this.fieldCount;
  }

  /**
   * Yields the fields of the message in `range`, in file order. `depth` is the message's
   * nesting level (0 for the top message; walks deeper than {@link MAX_PROTO_DEPTH} stop) and
   * `what` names the message type in defect messages.
   */
  async *fields(range: ProtoRange, { depth, what }: MessageScope): AsyncGenerator<ProtoField> {
    if (depth > MAX_PROTO_DEPTH) {
      this.defects.push(defect("limit-exceeded", `Cannot parse ${what}: messages nested deeper than ${MAX_PROTO_DEPTH}`, { offset: range.start, limit: "MAX_PROTO_DEPTH" }));
      return;
    }
    let pos = range.start;
    while (pos < range.end && !this.stopped) {
      if (!this.countField(pos)) return;
      const head = await this.window(pos, Math.min(2 * MAX_VARINT_BYTES, range.end - pos));
      const tag = decodeVarint(head, 0);
      if (!tag || tag.length > 5) return this.badVarint(head, 0, `Cannot parse ${what}: malformed field tag at offset ${pos}`, pos);
      const no = Math.floor(tag.value / 8);
      const wire = tag.value % 8;
      if (no === 0 || no > MAX_FIELD_NUMBER) return this.malformed("protobuf-bad-field", `Cannot parse ${what}: field number ${no} at offset ${pos} is outside 1..${MAX_FIELD_NUMBER}`, pos);
      const at = tag.length;
      if (wire === WIRE_VARINT) {
        const v = decodeVarint(head, at);
        if (!v) return this.badVarint(head, at, `Cannot parse ${what}: malformed varint in field ${no} at offset ${pos}`, pos);
        const offset = pos;
        pos += at + v.length;
        yield { no, wire, offset, value: v.value, huge: v.huge };
      } else if (wire === WIRE_I64 || wire === WIRE_I32) {
        const width = wire === WIRE_I64 ? 8 : 4;
        if (at + width > head.length) return this.malformed("truncated", `Cannot parse ${what}: fixed-width field ${no} at offset ${pos} runs past its message`, pos);
        const value = readFixed(head, at, width);
        const offset = pos;
        pos += at + width;
        yield { no, wire, offset, value };
      } else if (wire === WIRE_LEN) {
        const len = decodeVarint(head, at);
        if (!len) return this.badVarint(head, at, `Cannot parse ${what}: malformed length of field ${no} at offset ${pos}`, pos);
        const start = pos + at + len.length;
        const end = start + len.value;
        if (len.huge || end > range.end) {
          this.malformed("truncated", `Cannot parse ${what}: field ${no} at offset ${pos} declares ${len.value} bytes but its message has ${Math.max(0, range.end - start)} left`, pos);
          // Payloads hide before a cut: hand out what is there, marked, and end this message.
          if (start < range.end) yield { no, wire, offset: pos, start, end: range.end, clipped: true };
          return;
        }
        const offset = pos;
        pos = end;
        yield { no, wire, offset, start, end };
      } else {
        const kind = wire === WIRE_SGROUP || wire === WIRE_EGROUP ? "a proto2 group, which these formats never use" : "not a valid wire type";
        return this.malformed("protobuf-bad-wire-type", `Cannot parse ${what}: field ${no} at offset ${pos} has wire type ${wire} (${kind})`, pos);
      }
    }
  }

  /** The bytes of a range, or undefined when it is longer than `max`. */
  async bytes(range: ProtoRange, max: number): Promise<Uint8Array | undefined> {
    const length = range.end - range.start;
    if (length > max) return undefined;
    return (await this.window(range.start, length)).slice();
  }

  /** A string field as text (UTF-8, invalid bytes replaced), cut after `max` bytes with a marker. */
  async text(range: ProtoRange, max = MAX_PROTO_TEXT_BYTES): Promise<string> {
    const length = range.end - range.start;
    const n = Math.min(length, max);
    const text = utf8.decode(await this.window(range.start, n));
    return n < length ? `${text}…(${length} bytes)` : text;
  }

  /** Notes a field whose wire type does not fit its schema; real protobuf parsers reject the file. */
  wrongType(field: ProtoField, what: string): void {
    this.defects.push(defect("protobuf-wrong-type", `${what} field ${field.no} at offset ${field.offset} has wire type ${field.wire}, which its schema does not allow`, { offset: field.offset, fatal: false }));
  }

  private countField(pos: number): boolean {
    this.fieldCount++;
    if (this.fieldCount > this.maxFields) {
      this.stopped = true;
      this.defects.push(defect("limit-exceeded", `Cannot parse protobuf: more than ${this.maxFields} fields; the rest were not scanned`, { offset: pos, limit: "MAX_PROTO_FIELDS" }));
      return false;
    }
    if (this.fieldCount % DEADLINE_CHECK_FIELDS === 0 && this.now() > this.deadline) {
      this.stopped = true;
      this.defects.push(defect("timeout", `Timed out parsing protobuf at offset ${pos}`, { offset: pos }));
      return false;
    }
    return true;
  }

  /** A varint that runs into the end of its message is a cut (truncated); one longer than 10 bytes is malformed. */
  private badVarint(head: Uint8Array, at: number, message: string, offset: number): undefined {
    const rest = head.subarray(at);
    const cut = rest.length < MAX_VARINT_BYTES && rest.every((b) => b >= 0x80);
    return this.malformed(cut ? "truncated" : "protobuf-bad-varint", cut ? message.replace("malformed", "cut-off") : message, offset);
  }

  private malformed(code: string, message: string, offset: number): undefined {
    this.defects.push(defect(code, message, { offset }));
    return undefined;
  }

  /** `length` bytes at `offset` from the read window; the caller keeps the range inside the source. */
  private async window(offset: number, length: number): Promise<Uint8Array> {
    if (offset >= this.winStart && offset + length <= this.winStart + this.win.length) {
      return this.win.subarray(offset - this.winStart, offset - this.winStart + length);
    }
    if (length > PROTO_WINDOW_BYTES) return this.source.read(offset, length);
    this.winStart = offset;
    this.win = await this.source.read(offset, Math.min(PROTO_WINDOW_BYTES, this.source.size - offset));
    return this.win.subarray(0, length);
  }
}

function readFixed(b: Uint8Array, at: number, width: number): number {
  let value = 0;
  for (let i = width - 1; i >= 0; i--) value = value * 256 + (b[at + i] as number);
  return value;
}

/** True for a length-delimited field (strings, bytes, sub-messages). */
export function isLen(field: ProtoField): field is LenField {
  return field.wire === WIRE_LEN;
}

/** True for a varint field (ints, enums, bools). */
export function isVarint(field: ProtoField): field is VarintField {
  return field.wire === WIRE_VARINT;
}
