/** xxHash32 (https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md), streaming: LZ4 frames store it for blocks and content. */
const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;

const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
const round = (acc: number, lane: number): number => Math.imul(rotl((acc + Math.imul(lane, P2)) >>> 0, 13), P1) >>> 0;
const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/**
 * Incremental xxHash32 with a seed of 0 (what LZ4 uses).
 *
 * @example
 * const h = new XxHash32(); h.update(bytes); h.digest(); // 0x02cc5d05 for empty input
 */
export class XxHash32 {
  private v1 = (P1 + P2) >>> 0;
  private v2 = P2;
  private v3 = 0;
  private v4 = (0 - P1) >>> 0;
  private total = 0;
  private readonly buf = new Uint8Array(16);
  private buffered = 0;

  update(data: Uint8Array): void {
    this.total += data.length;
    let i = 0;
    if (this.buffered > 0) {
      const take = Math.min(16 - this.buffered, data.length);
      this.buf.set(data.subarray(0, take), this.buffered);
      this.buffered += take;
      i = take;
      if (this.buffered < 16) return;
      this.stripe(this.buf, 0);
      this.buffered = 0;
    }
    for (; i + 16 <= data.length; i += 16) this.stripe(data, i);
    if (i < data.length) {
      this.buf.set(data.subarray(i), 0);
      this.buffered = data.length - i;
    }
  }

  digest(): number {
    let h = this.total >= 16 ? (rotl(this.v1, 1) + rotl(this.v2, 7) + rotl(this.v3, 12) + rotl(this.v4, 18)) >>> 0 : (this.v3 + P5) >>> 0;
    h = (h + (this.total % 2 ** 32)) >>> 0;
    let i = 0;
    for (; i + 4 <= this.buffered; i += 4) h = Math.imul(rotl((h + Math.imul(u32(this.buf, i), P3)) >>> 0, 17), P4) >>> 0;
    for (; i < this.buffered; i++) h = Math.imul(rotl((h + Math.imul(this.buf[i]!, P5)) >>> 0, 11), P1) >>> 0;
    h ^= h >>> 15;
    h = Math.imul(h, P2) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, P3) >>> 0;
    h ^= h >>> 16;
    return h >>> 0;
  }

  private stripe(b: Uint8Array, o: number): void {
    this.v1 = round(this.v1, u32(b, o));
    this.v2 = round(this.v2, u32(b, o + 4));
    this.v3 = round(this.v3, u32(b, o + 8));
    this.v4 = round(this.v4, u32(b, o + 12));
  }
}

/** xxHash32 of one buffer. */
export function xxhash32(data: Uint8Array): number {
  const h = new XxHash32();
  h.update(data);
  return h.digest();
}
