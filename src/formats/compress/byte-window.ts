import type { ByteSource } from "../../core/byte-source.js";

/** Bytes fetched per window: header walks make many tiny reads, which this turns into few. */
const DEFAULT_WINDOW_BYTES = 64 * 1024;

/**
 * Buffered random access for header walks (zip directories, tar headers, zstd block headers).
 * Reads past the end of the source are `undefined`, because there they mean bad input, not I/O.
 *
 * @example
 * const w = new ByteWindow(source);
 * const sig = await w.read(0, 4); // undefined when the source is shorter
 */
export class ByteWindow {
  private start = 0;
  private bytes: Uint8Array = new Uint8Array(0);

  constructor(
    readonly source: ByteSource,
    private readonly windowBytes = DEFAULT_WINDOW_BYTES,
  ) {}

  get size(): number {
    return this.source.size;
  }

  /** Exactly `length` bytes at `offset`, or undefined when they are not all inside the source. */
  async read(offset: number, length: number): Promise<Uint8Array | undefined> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) return undefined;
    if (offset + length > this.source.size) return undefined;
    if (offset >= this.start && offset + length <= this.start + this.bytes.length) {
      return this.bytes.subarray(offset - this.start, offset - this.start + length);
    }
    if (length > this.windowBytes) return this.source.read(offset, length);
    this.start = offset;
    this.bytes = await this.source.read(offset, Math.min(this.windowBytes, this.source.size - offset));
    return this.bytes.subarray(0, length);
  }
}
