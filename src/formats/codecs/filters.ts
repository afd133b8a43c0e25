/**
 * Byte filters that sit after a decompressor (xz filter chains, 7z coder chains): the x86 BCJ
 * branch converter and Delta. Other BCJ variants (ARM, ARM64, PowerPC, IA-64, SPARC, RISC-V) are
 * reported as unsupported by the containers.
 */
import type { OutputSink } from "./output.js";
import type { CodecDefect } from "./types.js";

/** A streaming transform: `push` returns what is final so far, `finish` the rest. */
export interface ByteFilter {
  push(chunk: Uint8Array): Uint8Array;
  finish(): Uint8Array;
}

const EMPTY = new Uint8Array(0);
const X86_ALLOWED = [true, true, true, false, true, false, false, false];
const X86_BIT_NUMBER = [0, 1, 2, 2, 3, 3, 3, 3];
const isMsByte = (b: number): boolean => b === 0x00 || b === 0xff;

/**
 * x86 BCJ decoder (xz-embedded bcj_x86, LZMA SDK Bra86.c): converts absolute CALL/JMP targets
 * back to relative ones. The last four bytes of a push wait for the next one, because an
 * instruction may straddle the boundary; at the end they pass through unchanged.
 */
export class BcjX86Filter implements ByteFilter {
  private pending: Uint8Array = EMPTY;
  private prevMask = 0;

  /** `startOffset`: the xz filter property (0 unless set with --x86=start=N). */
  constructor(private pos = 0) {}

  push(chunk: Uint8Array): Uint8Array {
    const buf = new Uint8Array(this.pending.length + chunk.length);
    buf.set(this.pending);
    buf.set(chunk, this.pending.length);
    const done = this.convert(buf);
    this.pending = buf.slice(done);
    return buf.subarray(0, done);
  }

  finish(): Uint8Array {
    const rest = this.pending;
    this.pending = EMPTY;
    return rest;
  }

  private convert(buf: Uint8Array): number {
    if (buf.length <= 4) return 0;
    const size = buf.length - 4;
    let prevPos = -1;
    let prevMask = this.prevMask;
    let i = 0;
    for (; i < size; i++) {
      if ((buf[i]! & 0xfe) !== 0xe8) continue;
      const gap = i - prevPos;
      if (gap > 3) {
        prevMask = 0;
      } else {
        prevMask = (prevMask << (gap - 1)) & 7;
        if (prevMask !== 0 && (!X86_ALLOWED[prevMask] || isMsByte(buf[i + 4 - X86_BIT_NUMBER[prevMask]!]!))) {
          prevPos = i;
          prevMask = (prevMask << 1) | 1;
          continue;
        }
      }
      prevPos = i;
      if (isMsByte(buf[i + 4]!)) {
        let src = (buf[i + 1]! | (buf[i + 2]! << 8) | (buf[i + 3]! << 16) | (buf[i + 4]! << 24)) >>> 0;
        let dest: number;
        for (;;) {
          dest = (src - ((this.pos + i + 5) >>> 0)) >>> 0;
          if (prevMask === 0) break;
          const j = X86_BIT_NUMBER[prevMask]! * 8;
          if (!isMsByte((dest >>> (24 - j)) & 0xff)) break;
          src = (dest ^ (2 ** (32 - j) - 1)) >>> 0;
        }
        dest &= 0x01ffffff;
        dest = (dest | (0 - (dest & 0x01000000))) >>> 0;
        buf[i + 1] = dest & 0xff;
        buf[i + 2] = (dest >>> 8) & 0xff;
        buf[i + 3] = (dest >>> 16) & 0xff;
        buf[i + 4] = dest >>> 24;
        i += 4;
      } else {
        prevMask = (prevMask << 1) | 1;
      }
    }
    const gap = i - prevPos;
    this.prevMask = gap > 3 ? 0 : prevMask << (gap - 1);
    this.pos = (this.pos + i) >>> 0;
    return i;
  }
}

/** Delta decoder (xz filter 0x03, 7z coder 03): each byte adds the byte `distance` back. */
export class DeltaFilter implements ByteFilter {
  private readonly history = new Uint8Array(256);
  private at = 0;

  constructor(private readonly distance: number) {}

  push(chunk: Uint8Array): Uint8Array {
    const out = new Uint8Array(chunk.length);
    const h = this.history;
    let at = this.at;
    for (let i = 0; i < chunk.length; i++) {
      const b = (chunk[i]! + h[(at + 256 - this.distance) & 0xff]!) & 0xff;
      h[at] = b;
      at = (at + 1) & 0xff;
      out[i] = b;
    }
    this.at = at;
    return out;
  }

  finish(): Uint8Array {
    return EMPTY;
  }
}

/**
 * A sink that runs output through filters (applied in order) before the real sink; `finish`
 * flushes what the filters held back at the end of the stream.
 */
export class FilteredSink implements OutputSink {
  constructor(
    private readonly inner: OutputSink,
    private readonly filters: readonly ByteFilter[],
  ) {}

  get room(): number {
    return this.inner.room;
  }

  get windowCap(): number {
    return this.inner.windowCap;
  }

  emit(chunk: Uint8Array): boolean {
    let data = chunk;
    for (const f of this.filters) data = f.push(data);
    return this.inner.emit(data);
  }

  /** Passes on the held-back bytes: every filter's tail, run through the filters after it. */
  finish(): boolean {
    let ok = true;
    for (let k = 0; k < this.filters.length; k++) {
      let data = this.filters[k]!.finish();
      for (let m = k + 1; m < this.filters.length; m++) data = this.filters[m]!.push(data);
      if (data.length > 0) ok = this.inner.emit(data) && ok;
    }
    return ok;
  }

  expired(offset: number): CodecDefect | undefined {
    return this.inner.expired(offset);
  }
}
