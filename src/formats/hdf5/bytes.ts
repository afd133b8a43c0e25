const utf8 = new TextDecoder("utf-8");

/** Bounds-checked little-endian reads over the file bytes; undefined past the end, never a throw. */
export class H5View {
  constructor(readonly b: Uint8Array) {}

  get size(): number {
    return this.b.length;
  }

  u8(o: number): number | undefined {
    return o >= 0 && o < this.b.length ? this.b[o] : undefined;
  }

  uint(o: number, width: number): number | undefined {
    if (!Number.isSafeInteger(o) || o < 0 || o + width > this.b.length) return undefined;
    let v = 0;
    for (let i = width - 1; i >= 0; i--) v = v * 256 + (this.b[o + i] as number);
    return v;
  }

  u16(o: number): number | undefined {
    return this.uint(o, 2);
  }

  u32(o: number): number | undefined {
    return this.uint(o, 4);
  }

  /** An 8-byte address or length; undefined past the end, and for the undefined address (all ones) or beyond 2^53. */
  u64(o: number): number | undefined {
    const v = this.uint(o, 8);
    return v === undefined || v > Number.MAX_SAFE_INTEGER ? undefined : v;
  }

  ascii(o: number, length: number): string | undefined {
    if (o < 0 || o + length > this.b.length) return undefined;
    return String.fromCharCode(...this.b.subarray(o, o + length));
  }

  text(o: number, length: number): string | undefined {
    if (!Number.isSafeInteger(o) || o < 0 || length < 0 || o + length > this.b.length) return undefined;
    return utf8.decode(this.b.subarray(o, o + length));
  }

  /** A NUL-terminated string of at most `max` bytes before `end` (cut, not failed, when longer). */
  cstring(o: number, bounds: { max: number; end?: number }): string | undefined {
    return this.cstringSpan(o, bounds)?.text;
  }

  /** A NUL-terminated string and the offset just past its terminator (or cut point). */
  cstringSpan(o: number, { max, end = this.b.length }: { max: number; end?: number }): { text: string; next: number } | undefined {
    if (!Number.isSafeInteger(o) || o < 0 || o >= end) return undefined;
    const stop = Math.min(end, this.b.length, o + max);
    let i = o;
    while (i < stop && this.b[i] !== 0) i++;
    return { text: utf8.decode(this.b.subarray(o, i)), next: i + 1 };
  }
}
