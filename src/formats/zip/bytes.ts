/** Little-endian field reads for zip structs. Callers check lengths first. */

export function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}

export function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** A u64 as a number, or undefined when it exceeds 2^53 - 1 (no real file is that large). */
export function u64(b: Uint8Array, o: number): number | undefined {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  return hi > 0x1fffff ? undefined : hi * 2 ** 32 + lo;
}

export function hex(n: number, width = 8): string {
  return `0x${n.toString(16).padStart(width, "0")}`;
}

/** Finds the last occurrence of a 4-byte signature in `bytes` at or before `from`. */
export function lastIndexOfSig(bytes: Uint8Array, sig: number, { from }: { from: number }): number {
  for (let i = Math.min(from, bytes.length - 4); i >= 0; i--) {
    if (bytes[i] === (sig & 0xff) && u32(bytes, i) === sig) return i;
  }
  return -1;
}
