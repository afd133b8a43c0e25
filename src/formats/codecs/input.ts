import type { ByteSource } from "../../core/byte-source.js";
import { INPUT_CHUNK_BYTES } from "./limits.js";

/** Largest single read asked of the source: a stingy source answers at most 1 MiB at once. */
const MAX_SOURCE_READ_BYTES = 256 * 1024;
const EMPTY = new Uint8Array(0);

/**
 * Forward reading of a compressed stream from a `ByteSource` region, buffered. Running out of
 * bytes is `undefined` (bad input); only I/O failures of the source throw.
 *
 * @example
 * const r = new SourceReader(source);
 * const magic = await r.take(6); // undefined when fewer than 6 bytes are left
 */
export class SourceReader {
  private buf: Uint8Array = EMPTY;
  /** Source offset of buf[0]. */
  private bufStart = 0;
  private at: number;

  constructor(
    private readonly source: ByteSource,
    start = 0,
    readonly end = source.size,
  ) {
    this.at = start;
  }

  /** Source offset of the next unread byte. */
  get position(): number {
    return this.at;
  }

  get remaining(): number {
    return this.end - this.at;
  }

  /** Exactly `n` bytes, consumed; undefined when fewer remain. The view lives until the next call. */
  async take(n: number): Promise<Uint8Array | undefined> {
    if (n > this.remaining) return undefined;
    const v = await this.view(n);
    this.at += n;
    return v;
  }

  /** Up to `n` bytes (fewer only at the end), not consumed. The view lives until the next call. */
  async peekUpTo(n: number): Promise<Uint8Array> {
    return this.view(Math.min(n, this.remaining));
  }

  /** Up to `n` bytes (fewer only at the end), consumed. */
  async takeUpTo(n: number): Promise<Uint8Array> {
    const v = await this.peekUpTo(n);
    this.at += v.length;
    return v;
  }

  /** Consumes `n` bytes already peeked (or skips them unread). */
  skip(n: number): void {
    this.at = Math.min(this.end, this.at + n);
  }

  private async view(n: number): Promise<Uint8Array> {
    const from = this.at - this.bufStart;
    if (from >= 0 && from + n <= this.buf.length) return this.buf.subarray(from, from + n);
    const size = Math.min(Math.max(n, INPUT_CHUNK_BYTES, 2 * (this.buf.length - Math.max(0, from))), this.remaining);
    const next = new Uint8Array(size);
    let filled = 0;
    if (from >= 0 && from < this.buf.length) {
      const keep = this.buf.subarray(from, Math.min(this.buf.length, from + size));
      next.set(keep);
      filled = keep.length;
    }
    while (filled < size) {
      const len = Math.min(MAX_SOURCE_READ_BYTES, size - filled);
      next.set(await this.source.read(this.at + filled, len), filled);
      filled += len;
    }
    this.buf = next;
    this.bufStart = this.at;
    return next.subarray(0, n);
  }
}
