/**
 * The only way parsers see data. A `ByteSource` is random access and bounded: `read` returns
 * exactly the bytes asked for or throws a {@link ByteSourceError} (an I/O failure, never bad
 * input). Archive members go down as `slice`s, so a parser never learns where bytes live.
 *
 * @example
 * const src = new MemorySource(new Uint8Array([0x80, 0x04]));
 * const head = await src.read(0, 2);
 */
export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /** Exactly `length` bytes at `offset`, or throws `ByteSourceError`. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** A zero-copy window; reads outside the window throw. */
  slice(offset: number, length: number): ByteSource;
  /** Bytes actually handed out so far (shared with slices), for "read less" accounting. */
  readonly stats: ReadStats;
}

export interface ReadStats {
  bytesRead: number;
  reads: number;
}

/** An I/O-level failure: the source could not deliver bytes that exist on paper. */
export class ByteSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ByteSourceError";
  }
}

export function checkRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new ByteSourceError(`Cannot read bytes: invalid range offset ${offset} length ${length}`);
  }
  if (offset + length > size) {
    throw new ByteSourceError(
      `Cannot read bytes: range ${offset}+${length} runs past the end of the source (size ${size})`,
    );
  }
}

/** A source over bytes already in memory (tests, inflated archive members, browser uploads). */
export class MemorySource implements ByteSource {
  readonly size: number;
  readonly stats: ReadStats;

  constructor(
    private readonly bytes: Uint8Array,
    stats?: ReadStats,
  ) {
    this.size = bytes.length;
    this.stats = stats ?? { bytesRead: 0, reads: 0 };
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    try {
      checkRange(this.size, offset, length);
    } catch (error) {
      return Promise.reject(error);
    }
    this.stats.bytesRead += length;
    this.stats.reads += 1;
    return Promise.resolve(this.bytes.subarray(offset, offset + length));
  }

  slice(offset: number, length: number): ByteSource {
    checkRange(this.size, offset, length);
    return new MemorySource(this.bytes.subarray(offset, offset + length), this.stats);
  }
}

/**
 * A window onto another source. Adapters (file, HTTP) use it to implement `slice` so that each
 * only has to provide absolute reads.
 */
export class SliceSource implements ByteSource {
  constructor(
    private readonly parent: ByteSource,
    private readonly start: number,
    readonly size: number,
  ) {}

  get stats(): ReadStats {
    return this.parent.stats;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    try {
      checkRange(this.size, offset, length);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.parent.read(this.start + offset, length);
  }

  slice(offset: number, length: number): ByteSource {
    checkRange(this.size, offset, length);
    return new SliceSource(this.parent, this.start + offset, length);
  }
}

/** Reads the first `max` bytes (or the whole source when smaller). */
export function readHead(source: ByteSource, max: number): Promise<Uint8Array> {
  return source.read(0, Math.min(max, source.size));
}

/**
 * A source whose bytes are produced on first read (an archive member inflated on demand) and
 * dropped by `release()`, so that a container with many members holds one member's bytes at a
 * time. `size` must be known up front (the declared size, checked by the producer).
 *
 * @example
 * const member = new LazySource(declaredSize, () => inflate(compressed));
 */
export class LazySource implements ByteSource {
  readonly stats: ReadStats;
  private bytes: Promise<Uint8Array> | undefined;

  constructor(
    readonly size: number,
    private readonly produce: () => Promise<Uint8Array>,
    stats?: ReadStats,
  ) {
    this.stats = stats ?? { bytesRead: 0, reads: 0 };
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    this.bytes ??= this.produce();
    const bytes = await this.bytes;
    if (offset + length > bytes.length) {
      throw new ByteSourceError(`Cannot read bytes: member produced ${bytes.length} bytes, ${this.size} were declared`);
    }
    this.stats.bytesRead += length;
    this.stats.reads += 1;
    return bytes.subarray(offset, offset + length);
  }

  slice(offset: number, length: number): ByteSource {
    checkRange(this.size, offset, length);
    return new SliceSource(this, offset, length);
  }

  /** Drops the produced bytes; a later read produces them again. */
  release(): void {
    this.bytes = undefined;
  }
}
