import type { ByteSource } from "../../core/byte-source.js";
import { FIXED_SIZE, ValueType } from "./constants.js";

/** First read of the header walk: small headers (no vocabulary) finish in one read and overrun into tensor data by at most this much. */
const FIRST_CHUNK = 4 * 1024;
/**
 * Reads double up to this while walking large vocabularies. The header's end is only known once it
 * is parsed, so the last read overruns it by up to one chunk: 64 KiB keeps that under a tenth of a
 * large header (a 32,000-token vocabulary is about 0.6 MB) and is one HTTP source block.
 */
const MAX_CHUNK = 64 * 1024;
/**
 * Past that, a read may be a tenth of what the walk has read so far (so the overrun stays under a
 * tenth of the header), up to this: a 128k-token vocabulary of several MB in tens of reads, not
 * hundreds (each is a request on an HTTP source).
 */
const MAX_GROWN_CHUNK = 1024 * 1024;
const OVERRUN_SHARE = 10;

export type Fill = "ok" | "eof" | "limit";

/**
 * A forward cursor over a source, buffered in growing chunks. `has(n)` is synchronous so that
 * walking a vocabulary of 200 000 strings costs a refill per chunk, not an await per string.
 */
export class Cursor {
  pos: number;
  private buf: Uint8Array = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  private bufStart = 0;
  private chunk = FIRST_CHUNK;
  /** Bytes read so far by this cursor. */
  private walked = 0;
  private certainEnd = 0;
  /** Reads stop here unless a field needs more (set once the rest of the header has a known upper bound). */
  private expectedEnd = Number.POSITIVE_INFINITY;

  constructor(
    private readonly source: ByteSource,
    readonly littleEndian: boolean,
    /** Reads never go past this offset (the header byte budget). */
    private readonly limit: number,
    start: number,
  ) {
    this.pos = start;
  }

  /** Bytes between the cursor and the end of the source. */
  get remaining(): number {
    return this.source.size - this.pos;
  }

  has(n: number): boolean {
    return this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length;
  }

  /** Buffers `n` bytes at the cursor: "eof" when the file is shorter, "limit" past the byte budget. */
  async fill(n: number): Promise<Fill> {
    if (this.has(n)) return "ok";
    if (this.pos + n > this.source.size) return "eof";
    if (this.pos + n > this.limit) return "limit";
    // Bytes the header certainly still holds are read at once (they cannot overrun it), a MiB at most.
    const certain = Math.min(this.certainEnd - this.pos, MAX_GROWN_CHUNK);
    const wanted = Math.max(n, Math.min(Math.max(this.chunk, certain), this.expectedEnd - this.pos));
    const end = this.pos + Math.min(wanted, this.source.size - this.pos, this.limit - this.pos);
    // Bytes already buffered at the cursor are kept, not read again.
    const kept = this.pos >= this.bufStart && this.pos < this.bufStart + this.buf.length ? this.buf.subarray(this.pos - this.bufStart) : new Uint8Array(0);
    const fresh = await this.source.read(this.pos + kept.length, end - this.pos - kept.length);
    this.buf = kept.length === 0 ? fresh : concat(kept, fresh);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.bufStart = this.pos;
    this.walked += fresh.length;
    this.chunk = Math.max(Math.min(this.chunk * 2, MAX_CHUNK), Math.min(Math.floor(this.walked / OVERRUN_SHARE), MAX_GROWN_CHUNK));
    return "ok";
  }

  /**
   * The header runs at least to `offset` if it is valid (the strings an array declares still need
   * their lengths): later reads may fetch up to there in one go.
   */
  certainUntil(offset: number): void {
    this.certainEnd = offset;
  }

  /** The header ends by `offset` if it is valid: buffer no further than that (never tensor data). */
  expectEndBy(offset: number): void {
    this.expectedEnd = offset;
  }

  skip(n: number): void {
    this.pos += n;
  }

  u8(): number {
    return this.view.getUint8(this.pos++ - this.bufStart);
  }

  u32(): number {
    const v = this.view.getUint32(this.pos - this.bufStart, this.littleEndian);
    this.pos += 4;
    return v;
  }

  u64(): bigint {
    const v = this.view.getBigUint64(this.pos - this.bufStart, this.littleEndian);
    this.pos += 8;
    return v;
  }

  /** A fixed-size scalar of a GGUF value type, already buffered. */
  scalar(type: number): number | bigint | boolean {
    const at = this.pos - this.bufStart;
    const le = this.littleEndian;
    const v = this.view;
    this.pos += FIXED_SIZE.get(type) ?? 8;
    switch (type) {
      case ValueType.UINT8:
      case ValueType.BOOL:
        return v.getUint8(at);
      case ValueType.INT8:
        return v.getInt8(at);
      case ValueType.UINT16:
        return v.getUint16(at, le);
      case ValueType.INT16:
        return v.getInt16(at, le);
      case ValueType.UINT32:
        return v.getUint32(at, le);
      case ValueType.INT32:
        return v.getInt32(at, le);
      case ValueType.FLOAT32:
        return v.getFloat32(at, le);
      case ValueType.UINT64:
        return v.getBigUint64(at, le);
      case ValueType.INT64:
        return v.getBigInt64(at, le);
      default:
        return v.getFloat64(at, le);
    }
  }

  bytes(n: number): Uint8Array {
    const at = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(at, at + n);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
