import { MAX_FIELD_NUMBER, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT, decodeVarint } from "./varint.js";

export { WIRE_LEN, WIRE_VARINT };

/** A field decoded from a sniff head, where the head may cut a length-delimited value short. */
export interface SniffedField {
  no: number;
  wire: number;
  /** Varint or fixed value; for LEN fields the declared length. */
  value: number;
  /** LEN payload start and declared end (may lie past the head). */
  start: number;
  end: number;
}

/** Where in a sniff head a message lies (`end` may be past the head) and how many fields to decode. */
export interface SniffSpan {
  start?: number;
  end?: number;
  max?: number;
}

/**
 * Decodes up to `max` leading fields of the message at `[start, end)` of a sniff head, stopping
 * quietly at the first malformed byte or at the end of the head. Sniffers use it to recognise
 * magic-less protobuf files (ONNX, SavedModel, GraphDef) from their first fields.
 *
 * @example
 * sniffFields(head, { max: 4 }); // [{ no: 1, wire: 0, value: 8, … }, { no: 2, wire: 2, … }]
 */
export function sniffFields(head: Uint8Array, span: SniffSpan = {}): SniffedField[] {
  const { start = 0, end = head.length, max = 16 } = span;
  const out: SniffedField[] = [];
  let pos = start;
  const limit = Math.min(end, head.length);
  const view = head.subarray(0, limit);
  while (pos < limit && out.length < max) {
    const tag = decodeVarint(view, pos);
    if (!tag || tag.length > 5) break;
    const no = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (no === 0 || no > MAX_FIELD_NUMBER) break;
    pos += tag.length;
    if (wire === WIRE_VARINT) {
      const v = decodeVarint(view, pos);
      if (!v) break;
      out.push({ no, wire, value: v.value, start: pos, end: pos + v.length });
      pos += v.length;
    } else if (wire === WIRE_LEN) {
      const len = decodeVarint(view, pos);
      if (!len || len.huge) break;
      const payload = pos + len.length;
      if (payload + len.value > end) break;
      out.push({ no, wire, value: len.value, start: payload, end: payload + len.value });
      pos = payload + len.value;
    } else if (wire === WIRE_I64 || wire === WIRE_I32) {
      const width = wire === WIRE_I64 ? 8 : 4;
      if (pos + width > end) break;
      out.push({ no, wire, value: 0, start: pos, end: pos + width });
      pos += width;
    } else {
      break;
    }
  }
  return out;
}

/** True when `head[start, end)` is a short printable identifier-like string (op types, names). */
export function isIdentifierText(head: Uint8Array, { start, end, maxLength = 256 }: { start: number; end: number; maxLength?: number }): boolean {
  if (end <= start || end - start > maxLength || end > head.length) return false;
  for (let i = start; i < end; i++) {
    const b = head[i] as number;
    if (b < 0x21 || b > 0x7e) return false;
  }
  return true;
}
