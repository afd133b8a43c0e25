import { MemorySource, SliceSource, checkRange, type ByteSource, type ReadStats } from "../core/byte-source.js";

/** Largest single read a parser may ask for by default: header walks must not read members whole. */
export const DEFAULT_MAX_READ_BYTES = 1024 * 1024;

/**
 * A test source that answers each read from many small, odd-sized reads of the bytes below (like
 * ranged HTTP or a slow disk) and fails the test when a parser asks for more than `maxRead` bytes
 * at once.
 *
 * @example
 * const src = new StingySource(bytes, { maxRead: 64 * 1024 });
 */
export class StingySource implements ByteSource {
  readonly size: number;
  readonly stats: ReadStats = { bytesRead: 0, reads: 0 };
  private readonly inner: MemorySource;
  private readonly maxRead: number;
  private readonly chunks: readonly number[];

  constructor(bytes: Uint8Array, options: { maxRead?: number; chunks?: readonly number[] } = {}) {
    this.inner = new MemorySource(bytes);
    this.size = bytes.length;
    this.maxRead = options.maxRead ?? DEFAULT_MAX_READ_BYTES;
    this.chunks = options.chunks ?? [1, 7, 13, 509, 4093];
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    if (length > this.maxRead) throw new Error(`StingySource: read of ${length} bytes at ${offset} exceeds ${this.maxRead}`);
    const out = new Uint8Array(length);
    for (let at = 0, i = 0; at < length; i++) {
      const n = Math.min(this.chunks[i % this.chunks.length]!, length - at);
      out.set(await this.inner.read(offset + at, n), at);
      at += n;
    }
    this.stats.bytesRead += length;
    this.stats.reads += 1;
    return out;
  }

  slice(offset: number, length: number): ByteSource {
    checkRange(this.size, offset, length);
    return new SliceSource(this, offset, length);
  }
}

/** The same bytes as every kind of source a format test must pass through. */
export function everySource(bytes: Uint8Array): { name: string; make: () => ByteSource }[] {
  return [
    { name: "memory", make: () => new MemorySource(bytes) },
    { name: "stingy", make: () => new StingySource(bytes) },
  ];
}
