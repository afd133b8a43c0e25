/**
 * The checksums of the formats decoded here: CRC-32 (xz, 7z; slice-by-8 because every output byte
 * goes through it), CRC-64/XZ (ECMA-182 reflected) and bzip2's big-endian CRC-32.
 */

const CRC32_TABLES = buildCrc32Tables();

function buildCrc32Tables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n]! >>> 8) ^ t[t[(k - 1) * 256 + n]! & 0xff]!;
  }
  return t;
}

/**
 * CRC-32 (ISO-HDLC) of `bytes`, continuing from `crc` (the value for the bytes before, 0 to start).
 *
 * @example
 * crc32(new TextEncoder().encode("123456789")) === 0xcbf43926;
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = CRC32_TABLES;
  let c = ~crc;
  let i = 0;
  const n = bytes.length;
  for (; i + 8 <= n; i += 8) {
    const a = c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    c =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-64/XZ tables for slice-by-4, as low and high 32-bit halves: table k at [k * 256]. */
const CRC64_LO = new Int32Array(4 * 256);
const CRC64_HI = new Int32Array(4 * 256);
(function buildCrc64Tables(): void {
  // Polynomial 0xC96C5795D7870F42 (reflected ECMA-182), as two 32-bit halves.
  const polyLo = 0xd7870f42 | 0;
  const polyHi = 0xc96c5795 | 0;
  for (let n = 0; n < 256; n++) {
    let lo = n;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = (lo >>> 1) | (hi << 31);
      hi = hi >>> 1;
      if (carry) {
        lo ^= polyLo;
        hi ^= polyHi;
      }
    }
    CRC64_LO[n] = lo;
    CRC64_HI[n] = hi;
  }
  for (let k = 1; k < 4; k++) {
    for (let n = 0; n < 256; n++) {
      const lo = CRC64_LO[(k - 1) * 256 + n]!;
      const hi = CRC64_HI[(k - 1) * 256 + n]!;
      const idx = lo & 0xff;
      CRC64_LO[k * 256 + n] = ((lo >>> 8) | (hi << 24)) ^ CRC64_LO[idx]!;
      CRC64_HI[k * 256 + n] = (hi >>> 8) ^ CRC64_HI[idx]!;
    }
  }
})();

/** A running CRC-64/XZ, kept as two 32-bit halves. */
export class Crc64 {
  private readonly state = new Int32Array([-1, -1]);

  update(bytes: Uint8Array): void {
    const TL = CRC64_LO;
    const TH = CRC64_HI;
    let lo = this.state[0]!;
    let hi = this.state[1]!;
    let i = 0;
    const n = bytes.length;
    for (; i + 4 <= n; i += 4) {
      const x = lo ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
      const a = 768 + (x & 0xff);
      const b = 512 + ((x >>> 8) & 0xff);
      const c = 256 + ((x >>> 16) & 0xff);
      const d = x >>> 24;
      lo = hi ^ TL[a]! ^ TL[b]! ^ TL[c]! ^ TL[d]!;
      hi = TH[a]! ^ TH[b]! ^ TH[c]! ^ TH[d]!;
    }
    for (; i < n; i++) {
      const idx = (lo ^ bytes[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ TL[idx]!;
      hi = (hi >>> 8) ^ TH[idx]!;
    }
    this.state[0] = lo;
    this.state[1] = hi;
  }

  /** The 8 check bytes as xz stores them (little-endian). */
  digest(): Uint8Array {
    const lo = ~this.state[0]!;
    const hi = ~this.state[1]!;
    return new Uint8Array([lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, lo >>> 24, hi & 0xff, (hi >>> 8) & 0xff, (hi >>> 16) & 0xff, hi >>> 24]);
  }
}

const BZIP2_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * bzip2's CRC-32 (MSB first, poly 0x04C11DB7) register after `bytes`, continuing from `crc`
 * (0xFFFFFFFF to start; the stored value is the register inverted).
 *
 * @example
 * ~bzip2Crc(new TextEncoder().encode("123456789")) >>> 0 === 0xfc891918;
 */
export function bzip2Crc(bytes: Uint8Array, crc = 0xffffffff): number {
  let c = crc;
  for (let i = 0; i < bytes.length; i++) c = (c << 8) ^ BZIP2_TABLE[((c >>> 24) ^ bytes[i]!) & 0xff]!;
  return c >>> 0;
}
