/**
 * LZMA: the range decoder, the probability model and the LZ window (LZMA SDK, xz-embedded's
 * design). `LzmaDecoder` is the symbol-level engine shared by LZMA1 streams (`.lzma`, 7z LZMA)
 * and LZMA2 chunks; `decodeLzma1` drives it over a compressed stream.
 *
 * The decoder only stops between symbols. It is given an input limit such that one more symbol
 * can never read past the bytes it holds (a symbol reads at most MAX_SYMBOL_INPUT bytes: one per
 * range-decoder bit, since a normalised range always survives one bit), and an output limit in
 * the window; a match cut short by the output limit is finished on the next call.
 */
import { SourceReader } from "./input.js";
import { INITIAL_WINDOW_BYTES, INPUT_CHUNK_BYTES, MAX_DICT_BYTES, OUTPUT_STEP_BYTES } from "./limits.js";
import type { OutputSink } from "./output.js";
import type { CodecDefect } from "./types.js";
import { parseLzmaProps, type LzmaProps } from "./magic.js";

/** Range-decoder bits one symbol can take: 5 match/rep flags, 10 length, 6 slot, 26 direct, 4 align. */
const MAX_SYMBOL_INPUT = 64;
/** Zero bytes after the input, so the symbol that runs off a truncated stream reads zeros, not out of bounds. */
const INPUT_PADDING = MAX_SYMBOL_INPUT;
/** Output decoded per snapshot in the input's last MAX_SYMBOL_INPUT bytes (see LzmaDecoder.step). */
const TAIL_STEP_BYTES = 64 * 1024;
/** LZMA SDK: dictionaries smaller than 4 KiB are treated as 4 KiB. */
const MIN_DICT_BYTES = 4096;

// Probability array layout (one Uint16Array; offsets as in xz-embedded's struct lzma_dec).
const IS_MATCH = 0; // [12 states][16 pos states]
const IS_REP = 192;
const IS_REP0 = 204;
const IS_REP1 = 216;
const IS_REP2 = 228;
const IS_REP0_LONG = 240; // [12][16]
const DIST_SLOT = 432; // [4 len states][64]
const DIST_SPECIAL = 688; // 128 - 14 entries
const DIST_ALIGN = 802; // 16
const LEN_MATCH = 818; // choice, choice2, low[16][8], mid[16][8], high[256]
const LEN_REP = 1332;
const LITERAL = 1846; // [1 << (lc + lp)][0x300]
const LEN_CHOICE2 = 1;
const LEN_LOW = 2;
const LEN_MID = 130;
const LEN_HIGH = 258;
// Slots of LzmaDecoder.st.
const RANGE = 0;
const CODE = 1;
const STATE = 2;
const REP0 = 3;
const REP1 = 4;
const REP2 = 5;
const REP3 = 6;
const PENDING = 7;

/** Why `LzmaDecoder.decode` returned. */
export const Step = {
  /** The window position reached the output limit (a match may be pending). */
  OutputLimit: 0,
  /** The input position passed the input limit. */
  InputLimit: 1,
  /** An end-of-payload marker (LZMA1 only; LZMA2 forbids it). */
  EndMarker: 2,
  /** A match distance points before the start of the data (corrupt input). */
  BadDistance: 3,
  /** The last symbol read past the end of the input (truncated or corrupt); its output was not flushed. */
  Overrun: 4,
} as const;
export type Step = (typeof Step)[keyof typeof Step];

export { parseLzmaProps, type LzmaProps };

/** Problem with a declared dictionary size, or undefined when it is acceptable. */
export function dictProblem(dictSize: number, offset: number): CodecDefect | undefined {
  if (dictSize <= MAX_DICT_BYTES) return undefined;
  return { code: "limit-exceeded", message: `Dictionary size ${dictSize} exceeds limit ${MAX_DICT_BYTES}`, offset, limit: "MAX_DICT_BYTES" };
}

/**
 * The LZMA symbol decoder with its window.
 *
 * @example
 * const d = new LzmaDecoder(1 << 20, 1 << 20);
 * d.setProps({ lc: 3, lp: 0, pb: 2 });
 * d.feed(bytes); d.initRange();
 * d.decode(Math.min(d.windowLength, 4096), d.inputEnd); const out = d.flush();
 */
export class LzmaDecoder {
  private probs = new Uint16Array(LITERAL + 0x300);
  private lc = 3;
  private lpMask = 0;
  private pbMask = 0;
  /**
   * Range coder and model state as int32 (range and code are unsigned in meaning): a typed array
   * keeps V8 from switching field representations between small integers and doubles.
   */
  private readonly st = new Int32Array(8);
  private inp = new Uint8Array(INPUT_PADDING);
  private ip = 0;
  private inEnd = 0;

  private win: Uint8Array;
  private pos = 0;
  /** Window position of the first byte not yet flushed. */
  private start = 0;
  /** The window has wrapped: every byte of it is history. */
  private wrapped = false;
  /** Stream position of win[0] since the last dictionary reset (for the position bits). */
  private posBase = 0;
  /** Window size once fully grown: the dictionary, but never more than the output can reach. */
  private readonly winCap: number;
  private readonly dictSize: number;

  /**
   * `outputCap`: the most output this decoder can ever be asked for (the caller's room, or a
   * declared size), so a 1.5 GiB dictionary costs nothing for a small stream. The window is
   * allocated on first use and doubles as output arrives.
   */
  constructor(dictSize: number, outputCap: number) {
    this.dictSize = Math.max(dictSize, MIN_DICT_BYTES);
    this.winCap = Math.max(1, Math.min(this.dictSize, outputCap));
    this.win = new Uint8Array(0);
  }

  get windowLength(): number {
    return this.win.length;
  }
  get windowPos(): number {
    return this.pos;
  }
  get inputPos(): number {
    return this.ip;
  }
  get inputEnd(): number {
    return this.inEnd;
  }
  /** The range decoder's code is 0: a stream may end here. */
  get rangeFinished(): boolean {
    return this.st[CODE] === 0;
  }
  get matchPending(): boolean {
    return this.st[PENDING]! > 0;
  }

  setProps({ lc, lp, pb }: LzmaProps): void {
    this.lc = lc;
    this.lpMask = (1 << lp) - 1;
    this.pbMask = (1 << pb) - 1;
    const size = LITERAL + (0x300 << (lc + lp));
    if (this.probs.length !== size) this.probs = new Uint16Array(size);
    this.resetState();
  }

  /** Probabilities to one half, state and distances to zero (an LZMA2 state reset). */
  resetState(): void {
    this.probs.fill(1024);
    this.st.fill(0, STATE);
  }

  /** Forgets the history (an LZMA2 dictionary reset). Call after flushing. */
  resetDict(): void {
    this.pos = this.start = 0;
    this.wrapped = false;
    this.posBase = 0;
  }

  /** Drops all input (the next LZMA2 chunk starts a new range-coded stream). */
  resetInput(): void {
    this.ip = this.inEnd = 0;
  }

  /** Appends compressed bytes after the unread ones. */
  feed(chunk: Uint8Array): void {
    const left = this.inEnd - this.ip;
    const need = left + chunk.length + INPUT_PADDING;
    if (need > this.inp.length) {
      const next = new Uint8Array(need);
      next.set(this.inp.subarray(this.ip, this.inEnd));
      this.inp = next;
    } else {
      this.inp.copyWithin(0, this.ip, this.inEnd);
    }
    this.inp.set(chunk, left);
    this.ip = 0;
    this.inEnd = left + chunk.length;
    this.inp.fill(0, this.inEnd, this.inEnd + INPUT_PADDING);
  }

  /** Reads the 5 range-coder init bytes; false when the first is not 0 (liblzma rejects those). */
  initRange(): boolean {
    const b = this.inp;
    const first = b[this.ip]!;
    this.st[CODE] = (b[this.ip + 1]! << 24) | (b[this.ip + 2]! << 16) | (b[this.ip + 3]! << 8) | b[this.ip + 4]!;
    this.st[RANGE] = -1;
    this.ip += 5;
    return first === 0;
  }

  /** Keeps the range decoder normalised at a stream end, the way the encoder's flush left it. */
  normalize(): void {
    const st = this.st;
    if ((st[RANGE]! & 0xff000000) === 0) {
      st[RANGE] = st[RANGE]! << 8;
      st[CODE] = (st[CODE]! << 8) | this.inp[this.ip++]!;
    }
  }

  /** More than one symbol's worth of input is buffered (below that, a non-final stream needs more). */
  get hasSafeInput(): boolean {
    return this.inEnd - this.ip > MAX_SYMBOL_INPUT;
  }

  /**
   * Decodes up to `want` more bytes. While more than a symbol's worth of input is buffered it
   * runs freely. In the last MAX_SYMBOL_INPUT bytes of a final input it decodes from a
   * snapshot; if a symbol runs off the end, it rewinds and replays byte by byte, so the window
   * then holds exactly the good bytes (flush them) and Step.Overrun is returned.
   */
  step(want: number, final: boolean): Step {
    if (this.hasSafeInput) return this.decode(Math.min(this.win.length, this.pos + want), this.inEnd - MAX_SYMBOL_INPUT);
    if (!final) return Step.InputLimit;
    const n = Math.min(want, TAIL_STEP_BYTES, this.win.length - this.pos);
    const from = this.pos;
    this.save(n);
    let r = this.decode(from + n, this.inEnd);
    if (this.ip <= this.inEnd) return r;
    const good = this.pos - from;
    this.restore(n);
    for (let k = 0; k <= good; k++) {
      const before = this.pos;
      r = this.decode(before + 1, this.inEnd);
      if (this.ip > this.inEnd) {
        this.pos = before;
        return Step.Overrun;
      }
      if (r === Step.EndMarker || r === Step.BadDistance) return r;
    }
    return Step.Overrun;
  }

  private snapProbs = new Uint16Array(0);
  private readonly snapSt = new Int32Array(8);
  private snapWin = new Uint8Array(0);
  private snapIp = 0;
  private snapPos = 0;

  /** Saves what decoding `n` bytes can change: model, coder, positions and the window bytes it overwrites. */
  private save(n: number): void {
    if (this.snapProbs.length !== this.probs.length) this.snapProbs = new Uint16Array(this.probs.length);
    this.snapProbs.set(this.probs);
    this.snapSt.set(this.st);
    if (this.snapWin.length < n) this.snapWin = new Uint8Array(n);
    this.snapWin.set(this.win.subarray(this.pos, this.pos + n));
    this.snapIp = this.ip;
    this.snapPos = this.pos;
  }

  private restore(n: number): void {
    this.probs.set(this.snapProbs);
    this.st.set(this.snapSt);
    this.win.set(this.snapWin.subarray(0, n), this.snapPos);
    this.ip = this.snapIp;
    this.pos = this.snapPos;
  }

  /** Output since the last flush (a view into the window, valid until the next decode). */
  flush(): Uint8Array {
    const v = this.win.subarray(this.start, this.pos);
    this.start = this.pos;
    return v;
  }

  /**
   * Makes room when the window position is at its end: grow towards the cap, else wrap. False
   * when the window is at its cap below the dictionary size: the output is past the caller's cap.
   */
  makeRoom(): boolean {
    if (this.pos < this.win.length) return true;
    if (this.win.length < this.winCap) {
      const next = new Uint8Array(Math.min(this.winCap, Math.max(INITIAL_WINDOW_BYTES, this.win.length * 2)));
      next.set(this.win);
      this.win = next;
      return true;
    }
    if (this.win.length < this.dictSize) return false;
    this.posBase += this.win.length;
    this.pos = this.start = 0;
    this.wrapped = true;
    return true;
  }

  /** Copies stored bytes into the window (LZMA2 uncompressed chunks); at most up to the window end. */
  writeRaw(bytes: Uint8Array): number {
    const n = Math.min(bytes.length, this.win.length - this.pos);
    this.win.set(bytes.subarray(0, n), this.pos);
    this.pos += n;
    return n;
  }

  /**
   * Decodes symbols while the window position is below `outLimit` (at most the window length)
   * and the input position is at most `inLimit`.
   */
  decode(outLimit: number, inLimit: number): Step {
    const probs = this.probs;
    const win = this.win;
    const winLen = win.length;
    const inp = this.inp;
    const lc = this.lc;
    const lpMask = this.lpMask;
    const pbMask = this.pbMask;
    // Only the low four bits of the stream position matter (lp, pb <= 4).
    const posBase = this.posBase % 16;
    const wrapped = this.wrapped;
    const st = this.st;
    let range = st[RANGE]!;
    let code = st[CODE]!;
    let state = st[STATE]!;
    let rep0 = st[REP0]!;
    let rep1 = st[REP1]!;
    let rep2 = st[REP2]!;
    let rep3 = st[REP3]!;
    let len = st[PENDING]!;
    let ip = this.ip;
    let pos = this.pos;
    let result: Step = Step.OutputLimit;
    let p = 0;
    let bound = 0;
    let i = 0;
    let sym = 0;

    for (;;) {
      if (len > 0) {
        // Copy (the rest of) a match; forward byte order makes overlapping copies repeat.
        let src = pos - rep0 - 1;
        if (src < 0) src += winLen;
        let n = Math.min(len, outLimit - pos);
        len -= n;
        if (src + n <= winLen) {
          while (n-- > 0) win[pos++] = win[src++]!;
        } else {
          while (n-- > 0) {
            win[pos++] = win[src++]!;
            if (src === winLen) src = 0;
          }
        }
        if (len > 0) break;
      }
      if (pos >= outLimit) break;
      if (ip > inLimit) {
        result = Step.InputLimit;
        break;
      }
      const posState = (posBase + pos) & pbMask;

      // is_match[state][posState]
      i = IS_MATCH + (state << 4) + posState;
      if ((range & 0xff000000) === 0) {
        range <<= 8;
        code = (code << 8) | inp[ip++]!;
      }
      p = probs[i]!;
      bound = Math.imul(range >>> 11, p);
      if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
        range = bound;
        probs[i] = p + ((2048 - p) >>> 5);
        // Literal: context from the previous byte and the position.
        const prev = pos > 0 ? win[pos - 1]! : wrapped ? win[winLen - 1]! : 0;
        const base = LITERAL + 0x300 * ((((posBase + pos) & lpMask) << lc) + (prev >>> (8 - lc)));
        sym = 1;
        if (state < 7) {
          // Branch-free bits: on poorly compressible data (float weights) the bit branch
          // mispredicts about half the time. t is -1 for a 0 bit (code < bound, the borrow of
          // code - bound), 0 for a 1 bit.
          do {
            i = base + sym;
            if ((range & 0xff000000) === 0) {
              range <<= 8;
              code = (code << 8) | inp[ip++]!;
            }
            p = probs[i]!;
            bound = Math.imul(range >>> 11, p);
            const diff = (code - bound) | 0;
            const t = ((~code & bound) | (~(code ^ bound) & diff)) >> 31;
            range = (bound & t) | ((range - bound) & ~t);
            code = (code & t) | (diff & ~t);
            probs[i] = p + ((((2048 - p) >> 5) & t) - ((p >> 5) & ~t));
            sym = (sym << 1) + 1 + t;
          } while (sym < 0x100);
        } else {
          // Matched literal: the byte at rep0 steers the probabilities until the first mismatch.
          let src = pos - rep0 - 1;
          if (src < 0) src += winLen;
          let matchByte = win[src]! << 1;
          let offs = 0x100;
          do {
            const matchBit = matchByte & offs;
            matchByte <<= 1;
            i = base + offs + matchBit + sym;
            if ((range & 0xff000000) === 0) {
              range <<= 8;
              code = (code << 8) | inp[ip++]!;
            }
            p = probs[i]!;
            bound = Math.imul(range >>> 11, p);
            if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
              range = bound;
              probs[i] = p + ((2048 - p) >>> 5);
              sym <<= 1;
              offs &= ~matchBit;
            } else {
              range = (range - bound) | 0;
              code = (code - bound) | 0;
              probs[i] = p - (p >>> 5);
              sym = (sym << 1) | 1;
              offs &= matchBit;
            }
          } while (sym < 0x100);
        }
        win[pos++] = sym & 0xff;
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      range = (range - bound) | 0;
      code = (code - bound) | 0;
      probs[i] = p - (p >>> 5);

      // is_rep[state]
      i = IS_REP + state;
      if ((range & 0xff000000) === 0) {
        range <<= 8;
        code = (code << 8) | inp[ip++]!;
      }
      p = probs[i]!;
      bound = Math.imul(range >>> 11, p);
      let lenBase = LEN_MATCH;
      let shortRep = false;
      let newMatch = false;
      if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
        range = bound;
        probs[i] = p + ((2048 - p) >>> 5);
        newMatch = true;
        rep3 = rep2;
        rep2 = rep1;
        rep1 = rep0;
        state = state < 7 ? 7 : 10;
      } else {
        range = (range - bound) | 0;
        code = (code - bound) | 0;
        probs[i] = p - (p >>> 5);
        lenBase = LEN_REP;
        // is_rep0[state]
        i = IS_REP0 + state;
        if ((range & 0xff000000) === 0) {
          range <<= 8;
          code = (code << 8) | inp[ip++]!;
        }
        p = probs[i]!;
        bound = Math.imul(range >>> 11, p);
        if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
          range = bound;
          probs[i] = p + ((2048 - p) >>> 5);
          // is_rep0_long[state][posState]
          i = IS_REP0_LONG + (state << 4) + posState;
          if ((range & 0xff000000) === 0) {
            range <<= 8;
            code = (code << 8) | inp[ip++]!;
          }
          p = probs[i]!;
          bound = Math.imul(range >>> 11, p);
          if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
            range = bound;
            probs[i] = p + ((2048 - p) >>> 5);
            shortRep = true;
          } else {
            range = (range - bound) | 0;
            code = (code - bound) | 0;
            probs[i] = p - (p >>> 5);
          }
        } else {
          range = (range - bound) | 0;
          code = (code - bound) | 0;
          probs[i] = p - (p >>> 5);
          // is_rep1[state]
          i = IS_REP1 + state;
          if ((range & 0xff000000) === 0) {
            range <<= 8;
            code = (code << 8) | inp[ip++]!;
          }
          p = probs[i]!;
          bound = Math.imul(range >>> 11, p);
          let dist: number;
          if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
            range = bound;
            probs[i] = p + ((2048 - p) >>> 5);
            dist = rep1;
          } else {
            range = (range - bound) | 0;
            code = (code - bound) | 0;
            probs[i] = p - (p >>> 5);
            // is_rep2[state]
            i = IS_REP2 + state;
            if ((range & 0xff000000) === 0) {
              range <<= 8;
              code = (code << 8) | inp[ip++]!;
            }
            p = probs[i]!;
            bound = Math.imul(range >>> 11, p);
            if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
              range = bound;
              probs[i] = p + ((2048 - p) >>> 5);
              dist = rep2;
            } else {
              range = (range - bound) | 0;
              code = (code - bound) | 0;
              probs[i] = p - (p >>> 5);
              dist = rep3;
              rep3 = rep2;
            }
            rep2 = rep1;
          }
          rep1 = rep0;
          rep0 = dist;
        }
        if (shortRep) {
          state = state < 7 ? 9 : 11;
          len = 1;
        } else {
          state = state < 7 ? 8 : 11;
        }
      }

      if (!shortRep) {
        // Length: choice -> low (2-9), choice2 -> mid (10-17), else high (18-273).
        i = lenBase;
        if ((range & 0xff000000) === 0) {
          range <<= 8;
          code = (code << 8) | inp[ip++]!;
        }
        p = probs[i]!;
        bound = Math.imul(range >>> 11, p);
        let treeBase: number;
        let limit: number;
        if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
          range = bound;
          probs[i] = p + ((2048 - p) >>> 5);
          treeBase = lenBase + LEN_LOW + (posState << 3);
          limit = 8;
          len = 2;
        } else {
          range = (range - bound) | 0;
          code = (code - bound) | 0;
          probs[i] = p - (p >>> 5);
          i = lenBase + LEN_CHOICE2;
          if ((range & 0xff000000) === 0) {
            range <<= 8;
            code = (code << 8) | inp[ip++]!;
          }
          p = probs[i]!;
          bound = Math.imul(range >>> 11, p);
          if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
            range = bound;
            probs[i] = p + ((2048 - p) >>> 5);
            treeBase = lenBase + LEN_MID + (posState << 3);
            limit = 8;
            len = 10;
          } else {
            range = (range - bound) | 0;
            code = (code - bound) | 0;
            probs[i] = p - (p >>> 5);
            treeBase = lenBase + LEN_HIGH;
            limit = 256;
            len = 18;
          }
        }
        sym = 1;
        do {
          i = treeBase + sym;
          if ((range & 0xff000000) === 0) {
            range <<= 8;
            code = (code << 8) | inp[ip++]!;
          }
          p = probs[i]!;
          bound = Math.imul(range >>> 11, p);
          if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
            range = bound;
            probs[i] = p + ((2048 - p) >>> 5);
            sym <<= 1;
          } else {
            range = (range - bound) | 0;
            code = (code - bound) | 0;
            probs[i] = p - (p >>> 5);
            sym = (sym << 1) | 1;
          }
        } while (sym < limit);
        len += sym - limit;

        if (newMatch) {
          // Distance slot, from a tree chosen by the length (2, 3, 4, 5+).
          const slotBase = DIST_SLOT + ((len < 6 ? len - 2 : 3) << 6);
          sym = 1;
          do {
            i = slotBase + sym;
            if ((range & 0xff000000) === 0) {
              range <<= 8;
              code = (code << 8) | inp[ip++]!;
            }
            p = probs[i]!;
            bound = Math.imul(range >>> 11, p);
            if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
              range = bound;
              probs[i] = p + ((2048 - p) >>> 5);
              sym <<= 1;
            } else {
              range = (range - bound) | 0;
              code = (code - bound) | 0;
              probs[i] = p - (p >>> 5);
              sym = (sym << 1) | 1;
            }
          } while (sym < 64);
          const slot = sym - 64;
          if (slot < 4) {
            rep0 = slot;
          } else {
            const bits = (slot >>> 1) - 1;
            rep0 = (2 | (slot & 1)) << bits;
            if (slot < 14) {
              // Reverse bit tree with its own probabilities.
              const specialBase = DIST_SPECIAL + rep0 - slot - 1;
              sym = 1;
              for (let k = 0; k < bits; k++) {
                i = specialBase + sym;
                if ((range & 0xff000000) === 0) {
                  range <<= 8;
                  code = (code << 8) | inp[ip++]!;
                }
                p = probs[i]!;
                bound = Math.imul(range >>> 11, p);
                if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
                  range = bound;
                  probs[i] = p + ((2048 - p) >>> 5);
                  sym <<= 1;
                } else {
                  range = (range - bound) | 0;
                  code = (code - bound) | 0;
                  probs[i] = p - (p >>> 5);
                  sym = (sym << 1) | 1;
                  rep0 |= 1 << k;
                }
              }
            } else {
              // Direct bits at probability one half (code < range, so after halving the range
              // the sign of code - range is the bit), then four reverse-tree align bits.
              let d = 2 | (slot & 1);
              for (let k = bits - 4; k > 0; k--) {
                if ((range & 0xff000000) === 0) {
                  range <<= 8;
                  code = (code << 8) | inp[ip++]!;
                }
                range = range >>> 1;
                code = (code - range) | 0;
                const t = code >> 31;
                code = (code + (range & t)) | 0;
                d = (d << 1) | (t + 1);
              }
              rep0 = d << 4;
              sym = 1;
              for (let k = 0; k < 4; k++) {
                i = DIST_ALIGN + sym;
                if ((range & 0xff000000) === 0) {
                  range <<= 8;
                  code = (code << 8) | inp[ip++]!;
                }
                p = probs[i]!;
                bound = Math.imul(range >>> 11, p);
                if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
                  range = bound;
                  probs[i] = p + ((2048 - p) >>> 5);
                  sym <<= 1;
                } else {
                  range = (range - bound) | 0;
                  code = (code - bound) | 0;
                  probs[i] = p - (p >>> 5);
                  sym = (sym << 1) | 1;
                  rep0 |= 1 << k;
                }
              }
              // Distance 0xFFFFFFFF (int32 -1) is the end-of-payload marker.
              if (rep0 === -1) {
                len = 0;
                result = Step.EndMarker;
                break;
              }
            }
          }
        }
      }

      // Distances are int32 here: a negative one is past 2^31, beyond any window.
      if (rep0 < 0 || rep0 >= (wrapped ? winLen : pos)) {
        len = 0;
        result = Step.BadDistance;
        break;
      }
    }

    st[RANGE] = range;
    st[CODE] = code;
    st[STATE] = state;
    st[REP0] = rep0;
    st[REP1] = rep1;
    st[REP2] = rep2;
    st[REP3] = rep3;
    st[PENDING] = len;
    this.ip = ip;
    this.pos = pos;
    return result;
  }
}

export interface Lzma1Options {
  props: LzmaProps;
  dictSize: number;
  /** Uncompressed size when the container declares it; otherwise an end marker ends the stream. */
  unpackSize?: number;
  /** After the declared size, accept an end marker (xz-utils >= 5.4 for .lzma files). */
  allowMarkerAfterSize?: boolean;
}

export interface Lzma1Result {
  status: "done" | "stopped" | "failed";
  defect?: CodecDefect;
  /** Compressed bytes the stream used (exact when done). */
  consumed: number;
}

/**
 * Decodes one LZMA1 stream from `reader` (which ends where the compressed data may end) into
 * `out`, in steps of at most OUTPUT_STEP_BYTES.
 *
 * @example
 * const r = await decodeLzma1(new SourceReader(src, 13), out, { props, dictSize, unpackSize: 5 });
 */
export async function decodeLzma1(reader: SourceReader, out: OutputSink, opts: Lzma1Options): Promise<Lzma1Result> {
  const start = reader.position;
  const dec = new LzmaDecoder(opts.dictSize, Math.min(out.windowCap, (opts.unpackSize ?? Infinity) + 1));
  dec.setProps(opts.props);
  /** Source offset of the decoder's input buffer start. */
  let base = start;
  const at = (): number => base + dec.inputPos;
  const fail = (code: CodecDefect["code"], message: string): Lzma1Result => ({ status: "failed", defect: { code, message, offset: at() }, consumed: at() - start });
  const more = async (): Promise<void> => {
    base += dec.inputPos;
    dec.feed(await reader.takeUpTo(INPUT_CHUNK_BYTES));
  };

  await more();
  if (dec.inputEnd < 5) return fail("truncated", `LZMA stream is ${dec.inputEnd} bytes long, shorter than the 5-byte range coder start`);
  if (!dec.initRange()) return fail("corrupt", "LZMA range coder does not start with a 0 byte");
  const known = opts.unpackSize;
  let produced = 0;
  for (;;) {
    const late = out.expired(at());
    if (late) return { status: "failed", defect: late, consumed: at() - start };
    const final = reader.remaining === 0;
    if (!final && !dec.hasSafeInput) {
      await more();
      continue;
    }
    if (known !== undefined && produced === known) break;
    if (!dec.makeRoom()) return { status: "stopped", consumed: at() - start };
    const want = Math.min(out.room, OUTPUT_STEP_BYTES, known === undefined ? Infinity : known - produced);
    if (want === 0) return { status: "stopped", consumed: at() - start };
    const step = dec.step(want, final);
    const chunk = dec.flush();
    produced += chunk.length;
    const open = out.emit(chunk);
    if (step === Step.Overrun) return fail("truncated", "LZMA stream ends in the middle of a symbol");
    if (!open && (known === undefined || produced < known)) return { status: "stopped", consumed: at() - start };
    if (step === Step.BadDistance) return fail("corrupt", `LZMA match distance points before the start of the data at output byte ${produced}`);
    if (step === Step.EndMarker) {
      if (known !== undefined && produced !== known) return fail("corrupt", `LZMA end marker after ${produced} bytes, but the size is declared as ${known}`);
      dec.normalize();
      return { status: "done", consumed: at() - start };
    }
  }
  dec.normalize();
  if (opts.allowMarkerAfterSize && !dec.rangeFinished && dec.inputPos < dec.inputEnd) {
    // Peek one more symbol: only an end marker is allowed after the declared size.
    if (!dec.hasSafeInput && reader.remaining > 0) await more();
    if (dec.makeRoom()) {
      const step = dec.decode(dec.windowPos + 1, dec.inputEnd);
      if (step !== Step.EndMarker || dec.inputPos > dec.inputEnd) return fail("corrupt", `LZMA data continues past the declared size ${known}`);
      dec.normalize();
    }
  }
  return { status: "done", consumed: at() - start };
}
