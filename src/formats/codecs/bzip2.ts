/**
 * bzip2 (the format of bzip2 1.0.8 / libbzip2): streams of blocks, each Huffman-coded MTF/RLE2
 * symbols over a Burrows-Wheeler transform of RLE1-coded data, with a CRC per block and per
 * stream. Concatenated streams (bzip2 -c a b, pbzip2) are decoded like Python's bz2 module does.
 * Randomised blocks (written only by bzip2 0.9.0) are reported as unsupported.
 */
import type { ByteSource } from "../../core/byte-source.js";
import { bzip2Crc } from "./crc.js";
import { SourceReader } from "./input.js";
import { MAX_BZIP2_BLOCK_INPUT_BYTES, MAX_BZIP2_SELECTORS, MAX_BZIP2_STREAMS } from "./limits.js";
import { Output, type OutputSink } from "./output.js";
import type { CodecDefect, CodecNote, DecodeControl, DecodeResult } from "./types.js";
import { isBzip2Header } from "./magic.js";

export { isBzip2Header };

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const EOS_MAGIC_HI = 0x177245;
const EOS_MAGIC_LO = 0x385090;
const MAX_GROUPS = 6;
const MAX_ALPHA = 258;
const MAX_CODE_LEN = 20;
const GROUP_SIZE = 50;
/** Output buffered per emit: the cap stops a block's RLE1 expansion (up to ~46 MB) early. */
const OUT_BUFFER_BYTES = 256 * 1024;
/** libbzip2's bound on one RUNA/RUNB run length (2 Mi). */
const MAX_RUN = 2 * 1024 * 1024;

/** MSB-first bit reader over a buffer; past its end it reads zeros, and `overrun` says so. */
class BitReader {
  private bytePos: number;
  private bits = 0;
  private count = 0;

  constructor(
    private readonly buf: Uint8Array,
    bitOffset: number,
  ) {
    this.bytePos = 0;
    if (bitOffset > 0) this.read(bitOffset);
  }

  /** Bits consumed from the start of the buffer. */
  get consumed(): number {
    return this.bytePos * 8 - this.count;
  }

  /** More bits were consumed than the buffer holds (a peek past the end alone does not count). */
  get overrun(): boolean {
    return this.bytePos * 8 - this.count > this.buf.length * 8;
  }

  /** The next `n` bits (1 <= n <= 24), not consumed. */
  peek(n: number): number {
    while (this.count < n) {
      const b = this.bytePos < this.buf.length ? this.buf[this.bytePos]! : 0;
      this.bytePos++;
      this.bits = (this.bits << 8) | b;
      this.count += 8;
    }
    return (this.bits >>> (this.count - n)) & ((1 << n) - 1);
  }

  skip(n: number): void {
    this.count -= n;
  }

  /** `n` bits, 1 <= n <= 24. */
  read(n: number): number {
    const v = this.peek(n);
    this.count -= n;
    return v;
  }

  bit(): number {
    return this.read(1);
  }

  read32(): number {
    return ((this.read(16) << 16) | this.read(16)) >>> 0;
  }
}

/** A failure inside a block: the caller attaches the offset. */
class BlockError extends Error {
  constructor(
    readonly code: CodecDefect["code"],
    message: string,
  ) {
    super(message);
  }
}

interface Tables {
  limit: Int32Array;
  base: Int32Array;
  perm: Int32Array;
  minLen: number;
  /** By the next FAST_BITS bits: (symbol << 5) | code length, or 0 for "longer, or invalid: decode slowly". */
  fast: Int32Array;
}

const FAST_BITS = 10;

/** libbzip2 hbCreateDecodeTables: canonical Huffman decoding by code length. */
function buildTables(lengths: Uint8Array, alphaSize: number): Tables {
  let minLen = 32;
  let maxLen = 0;
  for (let i = 0; i < alphaSize; i++) {
    minLen = Math.min(minLen, lengths[i]!);
    maxLen = Math.max(maxLen, lengths[i]!);
  }
  const perm = new Int32Array(MAX_ALPHA);
  let pp = 0;
  for (let len = minLen; len <= maxLen; len++) for (let j = 0; j < alphaSize; j++) if (lengths[j] === len) perm[pp++] = j;
  const base = new Int32Array(MAX_CODE_LEN + 3);
  const limit = new Int32Array(MAX_CODE_LEN + 2);
  for (let i = 0; i < alphaSize; i++) base[lengths[i]! + 1]! += 1;
  for (let i = 1; i < base.length; i++) base[i]! += base[i - 1]!;
  let vec = 0;
  for (let i = minLen; i <= maxLen; i++) {
    vec += base[i + 1]! - base[i]!;
    limit[i] = vec - 1;
    vec <<= 1;
  }
  for (let i = minLen + 1; i <= maxLen; i++) base[i] = ((limit[i - 1]! + 1) << 1) - base[i]!;
  // The lookup table replays decodeSymbol for every FAST_BITS-bit prefix, so it agrees with it
  // even on malformed (over- or under-subscribed) tables.
  const fast = new Int32Array(1 << FAST_BITS);
  for (let prefix = 0; prefix < fast.length; prefix++) {
    let zn = minLen;
    while (zn <= FAST_BITS && prefix >>> (FAST_BITS - zn) > limit[zn]!) zn++;
    if (zn > FAST_BITS) continue;
    const idx = (prefix >>> (FAST_BITS - zn)) - base[zn]!;
    if (idx >= 0 && idx < alphaSize) fast[prefix] = (perm[idx]! << 5) | zn;
  }
  return { limit, base, perm, minLen, fast };
}

/** Decodes one symbol; a code longer than 20 bits or outside the alphabet is corrupt. */
function decodeSymbol(br: BitReader, t: Tables, alphaSize: number): number {
  const e = t.fast[br.peek(FAST_BITS)]!;
  if (e !== 0) {
    br.skip(e & 31);
    return e >>> 5;
  }
  let zn = t.minLen;
  let zvec = br.read(zn);
  while (zn > MAX_CODE_LEN || zvec > t.limit[zn]!) {
    zn++;
    if (zn > MAX_CODE_LEN) throw new BlockError("corrupt", "bzip2 Huffman code is longer than 20 bits");
    zvec = (zvec << 1) | br.bit();
  }
  const idx = zvec - t.base[zn]!;
  if (idx < 0 || idx >= alphaSize) throw new BlockError("corrupt", "bzip2 Huffman code is outside the alphabet");
  return t.perm[idx]!;
}

/** Buffers shared by every stream of a file: thousands of tiny streams must not each allocate 3.6 MB. */
class Buffers {
  tt = new Uint32Array(0);
  out = new Uint8Array(0);
  /** The BWT array for a level, allocated on the first block that needs it. */
  ttFor(level: number): Uint32Array {
    if (this.tt.length < level * 100000) this.tt = new Uint32Array(level * 100000);
    return this.tt;
  }
  outBuffer(): Uint8Array {
    if (this.out.length === 0) this.out = new Uint8Array(OUT_BUFFER_BYTES);
    return this.out;
  }
}

/** State kept across the blocks of one stream and the output side. */
class BlockDecoder {
  /** Byte counts of the current block, for the inverse BWT. */
  private counts = new Int32Array(256);

  constructor(
    private readonly level: number,
    private readonly out: OutputSink,
    private readonly buffers: Buffers,
  ) {}

  private get tt(): Uint32Array {
    return this.buffers.ttFor(this.level);
  }

  private get outBuf(): Uint8Array {
    return this.buffers.outBuffer();
  }

  /**
   * Decodes the block after its magic; returns its stored CRC, or "stopped" when the sink said
   * stop. Throws BlockError on bad data.
   */
  decode(br: BitReader): { storedCrc: number } | "stopped" {
    const storedCrc = br.read32();
    if (br.bit()) throw new BlockError("unsupported", "bzip2 block is randomised (bzip2 0.9.0), which is not supported");
    const origPtr = br.read(24);
    const { seqToUnseq, numInUse } = readSymbolMap(br);
    const alphaSize = numInUse + 2;
    const nGroups = br.read(3);
    if (nGroups < 2 || nGroups > MAX_GROUPS) throw new BlockError("corrupt", `bzip2 block has ${nGroups} Huffman tables, not 2-6`);
    const selectors = readSelectors(br, nGroups);
    const tables: Tables[] = [];
    const lengths = new Uint8Array(MAX_ALPHA);
    for (let t = 0; t < nGroups; t++) {
      let curr = br.read(5);
      for (let i = 0; i < alphaSize; i++) {
        for (;;) {
          if (curr < 1 || curr > MAX_CODE_LEN) throw new BlockError("corrupt", `bzip2 code length ${curr} is not 1-20`);
          if (br.bit() === 0) break;
          curr += br.bit() === 0 ? 1 : -1;
        }
        lengths[i] = curr;
      }
      tables.push(buildTables(lengths, alphaSize));
      if (br.overrun) throw new BlockError("truncated", "bzip2 block ends in its tables");
    }
    const nblock = this.readSymbols(br, tables, selectors, seqToUnseq, alphaSize);
    if (origPtr >= nblock) throw new BlockError("corrupt", `bzip2 block origin pointer ${origPtr} is past its ${nblock} bytes`);
    return this.emitBlock(nblock, origPtr, storedCrc);
  }

  /** The MTF/RLE2 symbols into tt (low byte), with byte counts; returns the block length. */
  private readSymbols(br: BitReader, tables: Tables[], selectors: Uint8Array, seqToUnseq: Uint8Array, alphaSize: number): number {
    const tt = this.tt;
    const max = this.level * 100000;
    const eob = alphaSize - 1;
    const mtf = new Uint8Array(256);
    for (let i = 0; i < 256; i++) mtf[i] = i;
    const counts = (this.counts = new Int32Array(256));
    let nblock = 0;
    let group = -1;
    let groupLeft = 0;
    let table = tables[0]!;
    const next = (): number => {
      if (groupLeft === 0) {
        group++;
        if (group >= selectors.length) throw new BlockError("corrupt", "bzip2 block has more symbol groups than selectors");
        table = tables[selectors[group]!]!;
        groupLeft = GROUP_SIZE;
      }
      groupLeft--;
      const s = decodeSymbol(br, table, alphaSize);
      if (br.overrun) throw new BlockError("truncated", "bzip2 block data is cut short");
      return s;
    };
    let sym = next();
    while (sym !== eob) {
      if (sym <= 1) {
        // RUNA/RUNB: a bijective base-2 run length of the front byte.
        let es = -1;
        let n = 1;
        do {
          if (n >= MAX_RUN) throw new BlockError("corrupt", "bzip2 run is longer than 2 MiB");
          es += (sym + 1) * n;
          n *= 2;
          sym = next();
        } while (sym <= 1);
        es++;
        const uc = seqToUnseq[mtf[0]!]!;
        if (nblock + es > max) throw new BlockError("corrupt", `bzip2 block holds more than ${max} bytes`);
        counts[uc]! += es;
        tt.fill(uc, nblock, nblock + es);
        nblock += es;
        continue;
      }
      if (nblock >= max) throw new BlockError("corrupt", `bzip2 block holds more than ${max} bytes`);
      const nn = sym - 1;
      const uc = mtf[nn]!;
      // Short moves by hand, long ones (near-random data) with memmove.
      if (nn < 16) for (let j = nn; j > 0; j--) mtf[j] = mtf[j - 1]!;
      else mtf.copyWithin(1, 0, nn);
      mtf[0] = uc;
      const b = seqToUnseq[uc]!;
      counts[b]! += 1;
      tt[nblock++] = b;
      sym = next();
    }
    return nblock;
  }

  /** Passes on `n` buffered bytes, never more than the sink has room for. */
  private flushOut(n: number): boolean {
    const room = this.out.room;
    if (n > room) {
      if (room > 0) this.out.emit(this.outBuf.subarray(0, room));
      return false;
    }
    return this.out.emit(this.outBuf.subarray(0, n));
  }

  /** Inverse BWT, then RLE1 decoding into the output, checking the block CRC. */
  private emitBlock(nblock: number, origPtr: number, storedCrc: number): { storedCrc: number } | "stopped" {
    const tt = this.tt;
    const cftab = new Int32Array(257);
    for (let i = 1; i <= 256; i++) cftab[i] = cftab[i - 1]! + this.counts[i - 1]!;
    for (let i = 0; i < nblock; i++) {
      const uc = tt[i]! & 0xff;
      tt[cftab[uc]!] = (tt[cftab[uc]!]! | (i << 8)) >>> 0;
      cftab[uc]! += 1;
    }
    const buf = this.outBuf;
    let o = 0;
    let crc = 0xffffffff;
    let tPos = tt[origPtr]! >>> 8;
    let last = -1;
    let run = 0;
    for (let k = 0; k < nblock; k++) {
      tPos = tt[tPos]!;
      const b = tPos & 0xff;
      tPos >>>= 8;
      if (run === 4) {
        // RLE1: after four equal bytes, this byte counts further repeats of the last one.
        run = 0;
        for (let n = b; n > 0; ) {
          const m = Math.min(n, buf.length - o);
          buf.fill(last, o, o + m);
          o += m;
          n -= m;
          if (o === buf.length) {
            crc = bzip2Crc(buf.subarray(0, o), crc);
            if (!this.flushOut(o)) return "stopped";
            o = 0;
          }
        }
        continue;
      }
      if (b === last) run++;
      else {
        last = b;
        run = 1;
      }
      buf[o++] = b;
      if (o === buf.length) {
        crc = bzip2Crc(buf.subarray(0, o), crc);
        if (!this.flushOut(o)) return "stopped";
        o = 0;
      }
    }
    crc = bzip2Crc(buf.subarray(0, o), crc);
    if (o > 0 && !this.flushOut(o)) return "stopped";
    if ((~crc >>> 0) !== storedCrc) throw new BlockError("crc-mismatch", `bzip2 block CRC 0x${(~crc >>> 0).toString(16)} does not match the stored 0x${storedCrc.toString(16)}`);
    return { storedCrc };
  }
}

/** The 16x16 bitmap of bytes used in the block. */
function readSymbolMap(br: BitReader): { seqToUnseq: Uint8Array; numInUse: number } {
  const used16 = br.read(16);
  const seqToUnseq = new Uint8Array(256);
  let numInUse = 0;
  for (let i = 0; i < 16; i++) {
    if (!(used16 & (0x8000 >>> i))) continue;
    const bits = br.read(16);
    for (let j = 0; j < 16; j++) if (bits & (0x8000 >>> j)) seqToUnseq[numInUse++] = i * 16 + j;
  }
  if (numInUse === 0) throw new BlockError("corrupt", "bzip2 block uses no byte values");
  return { seqToUnseq, numInUse };
}

/** Selector list (unary, MTF-coded), keeping the first MAX_BZIP2_SELECTORS like bzip2 1.0.8. */
function readSelectors(br: BitReader, nGroups: number): Uint8Array {
  const nSelectors = br.read(15);
  if (nSelectors < 1) throw new BlockError("corrupt", "bzip2 block has no selectors");
  const kept = Math.min(nSelectors, MAX_BZIP2_SELECTORS);
  const selectors = new Uint8Array(kept);
  const pos = [0, 1, 2, 3, 4, 5].slice(0, nGroups);
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (br.bit()) {
      j++;
      if (j >= nGroups) throw new BlockError("corrupt", `bzip2 selector ${j} is not below the ${nGroups} tables`);
    }
    if (br.overrun) throw new BlockError("truncated", "bzip2 block ends in its selectors");
    if (i >= kept) continue;
    const v = pos[j]!;
    pos.splice(j, 1);
    pos.unshift(v);
    selectors[i] = v;
  }
  return selectors;
}

export interface Bzip2StreamsResult {
  status: "done" | "stopped" | "failed";
  defect?: CodecDefect;
  streams: number;
  notes: CodecNote[];
}

/**
 * Decodes bzip2 streams from `reader` into `out` until the reader's end; data after the last
 * stream that is not a stream is reported as appended.
 *
 * @example
 * const r = await decodeBzip2Streams(new SourceReader(source), new Output(ctl));
 */
export async function decodeBzip2Streams(reader: SourceReader, out: OutputSink): Promise<Bzip2StreamsResult> {
  const notes: CodecNote[] = [];
  let streams = 0;
  const buffers = new Buffers();
  for (;;) {
    const at = reader.position;
    const head = await reader.peekUpTo(4);
    if (streams > 0 && head.length === 0) return { status: "done", streams, notes };
    if (!isBzip2Header(head)) {
      if (streams === 0) return { status: "failed", defect: { code: head.length < 4 ? "truncated" : "corrupt", message: "bzip2 stream header \"BZh1\"-\"BZh9\" is missing", offset: at }, streams: 1, notes };
      notes.push({ code: "appended-data", message: `${reader.remaining} bytes after the last bzip2 stream are not a bzip2 stream`, offset: at });
      return { status: "done", streams, notes };
    }
    if (streams >= MAX_BZIP2_STREAMS) return { status: "failed", defect: { code: "limit-exceeded", message: `More than ${MAX_BZIP2_STREAMS} bzip2 streams`, offset: at, limit: "MAX_BZIP2_STREAMS" }, streams, notes };
    streams++;
    reader.skip(4);
    const r = await decodeOneStream(reader, new BlockDecoder(head[3]! - 0x30, out, buffers), out);
    if (r.status !== "done") return { ...r, streams, notes };
  }
}

async function decodeOneStream(reader: SourceReader, blocks: BlockDecoder, out: OutputSink): Promise<{ status: "done" | "stopped" | "failed"; defect?: CodecDefect }> {
  let bitOffset = 0;
  let combined = 0;
  for (;;) {
    const at = reader.position;
    const late = out.expired(at);
    if (late) return { status: "failed", defect: late };
    const buf = await reader.peekUpTo(MAX_BZIP2_BLOCK_INPUT_BYTES);
    const br = new BitReader(buf, bitOffset);
    const bad = (code: CodecDefect["code"], message: string): { status: "failed"; defect: CodecDefect } => {
      const code2 = br.overrun ? (buf.length < MAX_BZIP2_BLOCK_INPUT_BYTES ? "truncated" : "corrupt") : code;
      const message2 = br.overrun && buf.length >= MAX_BZIP2_BLOCK_INPUT_BYTES ? `bzip2 block is larger than ${MAX_BZIP2_BLOCK_INPUT_BYTES} bytes, which no bzip2 block can be` : message;
      return { status: "failed", defect: { code: code2, message: message2, offset: at } };
    };
    const hi = br.read(24);
    const lo = br.read(24);
    if (br.overrun) return bad("truncated", "bzip2 stream ends before its end-of-stream marker");
    if (hi === BLOCK_MAGIC_HI && lo === BLOCK_MAGIC_LO) {
      let r: { storedCrc: number } | "stopped";
      try {
        r = blocks.decode(br);
      } catch (error) {
        if (!(error instanceof BlockError)) throw error;
        return bad(error.code, error.message);
      }
      if (r === "stopped") return { status: "stopped" };
      combined = (((combined << 1) | (combined >>> 31)) ^ r.storedCrc) >>> 0;
    } else if (hi === EOS_MAGIC_HI && lo === EOS_MAGIC_LO) {
      const stored = br.read32();
      if (br.overrun) return bad("truncated", "bzip2 stream CRC is cut short");
      if (stored !== combined) return bad("crc-mismatch", `bzip2 stream CRC 0x${combined.toString(16)} does not match the stored 0x${stored.toString(16)}`);
      // The stream ends at the next byte boundary.
      reader.skip(Math.ceil(br.consumed / 8));
      return { status: "done" };
    } else {
      return bad("corrupt", `bzip2 block magic 0x${hi.toString(16)}${lo.toString(16).padStart(6, "0")} is neither a block nor the end of the stream`);
    }
    const used = br.consumed;
    reader.skip(used >>> 3);
    bitOffset = used & 7;
  }
}

/**
 * Decodes a .bz2 file (every concatenated stream) into `ctl.onOutput`.
 *
 * @example
 * const r = await decodeBzip2(source, { onOutput: (c) => (keep(c), true), maxOutput: 1 << 30 });
 */
export async function decodeBzip2(source: ByteSource, ctl: DecodeControl): Promise<DecodeResult> {
  const out = new Output(ctl);
  const r = await decodeBzip2Streams(new SourceReader(source), out);
  const result: DecodeResult = { status: r.status, produced: out.produced, notes: r.notes, streams: r.streams };
  if (r.defect) result.defect = r.defect;
  return result;
}
