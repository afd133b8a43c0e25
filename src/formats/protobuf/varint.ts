/** Protobuf wire types (encoding.md "Message Structure"). Groups (3, 4) are proto2-only and unused by ONNX and TensorFlow. */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

/** Largest field number the wire format allows (2^29 - 1). */
export const MAX_FIELD_NUMBER = 0x1fffffff;

/** A varint is at most 10 bytes (64 bits, 7 per byte). */
export const MAX_VARINT_BYTES = 10;

export interface DecodedVarint {
  /** The value; exact up to 2^53, rounded above (no field we read needs more). */
  value: number;
  /** Bytes consumed. */
  length: number;
  /** True when the value needed more than 53 bits. */
  huge: boolean;
}

/**
 * Decodes a base-128 varint at `pos`. Returns undefined when the bytes end before the last
 * byte (no byte below 0x80) or the varint runs past 10 bytes: both are malformed input.
 *
 * @example
 * decodeVarint(Uint8Array.of(0x96, 0x01), 0); // { value: 150, length: 2, huge: false }
 */
export function decodeVarint(bytes: Uint8Array, pos: number): DecodedVarint | undefined {
  const end = bytes.length;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES && pos + i < end; i++) {
    const b = bytes[pos + i] as number;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) {
      if (i === MAX_VARINT_BYTES - 1 && b > 1) return undefined;
      return { value, length: i + 1, huge: value > Number.MAX_SAFE_INTEGER };
    }
  }
  return undefined;
}

/** Signed view of an int32/int64 varint that was written as two's complement. */
export function varintAsSigned(value: number): number {
  return value >= 2 ** 63 ? value - 2 ** 64 : value;
}
