/**
 * xxHash64 (https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md), streaming, seed 0:
 * zstd frames store its low 32 bits as the content checksum (RFC 8878 3.1.1).
 *
 * 64-bit lanes are kept as two uint32 halves: BigInt arithmetic allocates on every step and runs
 * at a few MB/s, while this stays in small integers the JIT keeps in registers.
 */

// Primes, as [high, low] halves.
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

// Results of the 64-bit helpers: returning a pair would allocate per call.
let rh = 0;
let rl = 0;

/** (ah:al) * (bh:bl) mod 2^64 into rh:rl. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  rl = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  rh = (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** (ah:al) + (bh:bl) mod 2^64 into rh:rl. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  rl = lo >>> 0;
  rh = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Rotate left by 0 < r < 32 into rh:rl. */
function rotl(h: number, l: number, r: number): void {
  rh = ((h << r) | (l >>> (32 - r))) >>> 0;
  rl = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** round(acc, lane) = rotl(acc + lane * P2, 31) * P1, into rh:rl. */
function round(ah: number, al: number, lh: number, ll: number): void {
  mul(lh, ll, P2H, P2L);
  add(ah, al, rh, rl);
  rotl(rh, rl, 31);
  mul(rh, rl, P1H, P1L);
}

const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/**
 * Incremental xxHash64 with a seed of 0.
 *
 * @example
 * const h = new XxHash64(); h.update(bytes); h.digestLow32(); // 0x51d8e999 for empty input
 */
export class XxHash64 {
  // v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1 (mod 2^64)
  private readonly v = new Uint32Array([0, 0, P2H, P2L, 0, 0, 0, 0]);
  private total = 0;
  private readonly buf = new Uint8Array(32);
  private buffered = 0;

  constructor() {
    add(P1H, P1L, P2H, P2L);
    this.v[0] = rh;
    this.v[1] = rl;
    // -P1 = ~P1 + 1
    add(~P1H >>> 0, ~P1L >>> 0, 0, 1);
    this.v[6] = rh;
    this.v[7] = rl;
  }

  update(data: Uint8Array): void {
    this.total += data.length;
    let i = 0;
    if (this.buffered > 0) {
      const take = Math.min(32 - this.buffered, data.length);
      this.buf.set(data.subarray(0, take), this.buffered);
      this.buffered += take;
      i = take;
      if (this.buffered < 32) return;
      this.stripe(this.buf, 0);
      this.buffered = 0;
    }
    for (; i + 32 <= data.length; i += 32) this.stripe(data, i);
    if (i < data.length) {
      this.buf.set(data.subarray(i), 0);
      this.buffered = data.length - i;
    }
  }

  /** The full digest as 16 hex digits. */
  digestHex(): string {
    this.finish();
    return rh.toString(16).padStart(8, "0") + rl.toString(16).padStart(8, "0");
  }

  /** The low 32 bits, which zstd stores little-endian after a frame's last block. */
  digestLow32(): number {
    this.finish();
    return rl;
  }

  private stripe(b: Uint8Array, o: number): void {
    const v = this.v;
    for (let lane = 0; lane < 4; lane++) {
      const at = o + lane * 8;
      round(v[lane * 2]!, v[lane * 2 + 1]!, u32(b, at + 4), u32(b, at));
      v[lane * 2] = rh;
      v[lane * 2 + 1] = rl;
    }
  }

  /** Leaves the digest in rh:rl (the state is not changed, so it can be asked twice). */
  private finish(): void {
    const v = this.v;
    let hh: number, hl: number;
    if (this.total >= 32) {
      rotl(v[0]!, v[1]!, 1);
      let sh = rh, sl = rl;
      rotl(v[2]!, v[3]!, 7);
      add(sh, sl, rh, rl);
      sh = rh; sl = rl;
      rotl(v[4]!, v[5]!, 12);
      add(sh, sl, rh, rl);
      sh = rh; sl = rl;
      rotl(v[6]!, v[7]!, 18);
      add(sh, sl, rh, rl);
      hh = rh; hl = rl;
      for (let lane = 0; lane < 4; lane++) {
        // mergeRound: h ^= round(0, v); h = h * P1 + P4
        round(0, 0, v[lane * 2]!, v[lane * 2 + 1]!);
        hh = (hh ^ rh) >>> 0;
        hl = (hl ^ rl) >>> 0;
        mul(hh, hl, P1H, P1L);
        add(rh, rl, P4H, P4L);
        hh = rh; hl = rl;
      }
    } else {
      hh = P5H;
      hl = P5L;
    }
    add(hh, hl, Math.floor(this.total / 2 ** 32) >>> 0, this.total >>> 0);
    hh = rh; hl = rl;
    const b = this.buf;
    let i = 0;
    for (; i + 8 <= this.buffered; i += 8) {
      round(0, 0, u32(b, i + 4), u32(b, i));
      hh = (hh ^ rh) >>> 0;
      hl = (hl ^ rl) >>> 0;
      rotl(hh, hl, 27);
      mul(rh, rl, P1H, P1L);
      add(rh, rl, P4H, P4L);
      hh = rh; hl = rl;
    }
    if (i + 4 <= this.buffered) {
      mul(0, u32(b, i), P1H, P1L);
      hh = (hh ^ rh) >>> 0;
      hl = (hl ^ rl) >>> 0;
      rotl(hh, hl, 23);
      mul(rh, rl, P2H, P2L);
      add(rh, rl, P3H, P3L);
      hh = rh; hl = rl;
      i += 4;
    }
    for (; i < this.buffered; i++) {
      mul(0, b[i]!, P5H, P5L);
      hh = (hh ^ rh) >>> 0;
      hl = (hl ^ rl) >>> 0;
      rotl(hh, hl, 11);
      mul(rh, rl, P1H, P1L);
      hh = rh; hl = rl;
    }
    // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
    hl = (hl ^ (hh >>> 1)) >>> 0;
    mul(hh, hl, P2H, P2L);
    hh = rh; hl = rl;
    {
      // h >> 29 crosses the halves: the low half takes the high half's low 3 bits.
      const sh = hh >>> 29, sl = ((hl >>> 29) | (hh << 3)) >>> 0;
      hh = (hh ^ sh) >>> 0;
      hl = (hl ^ sl) >>> 0;
    }
    mul(hh, hl, P3H, P3L);
    hh = rh; hl = rl;
    rl = (hl ^ hh) >>> 0;
    rh = hh;
  }
}
