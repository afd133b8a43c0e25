import { MemorySource, SliceSource, checkRange, type ByteSource, type ReadStats } from "../core/byte-source.js";

/**
 * A source that serves every read as many tiny reads of odd sizes from a backing source, so
 * parsers that assume one big read, or that read past what they asked for, fail in tests.
 */
export class StingySource implements ByteSource {
  readonly size: number;
  private readonly inner: MemorySource;

  constructor(bytes: Uint8Array, private readonly chunk = 7) {
    this.inner = new MemorySource(bytes);
    this.size = bytes.length;
  }

  get stats(): ReadStats {
    return this.inner.stats;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    const out = new Uint8Array(length);
    for (let done = 0; done < length; ) {
      const n = Math.min(this.chunk, length - done);
      out.set(await this.inner.read(offset + done, n), done);
      done += n;
    }
    return out;
  }

  slice(offset: number, length: number): ByteSource {
    checkRange(this.size, offset, length);
    return new SliceSource(this, offset, length);
  }
}
