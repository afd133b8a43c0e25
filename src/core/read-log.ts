import { SliceSource, checkRange, type ByteSource, type ReadStats } from "./byte-source.js";

/**
 * A record of reads, for "read each byte once" accounting: how many calls, how many bytes, and
 * how many distinct bytes they covered. Benchmarks and tests attach one to a source's physical
 * reads (what reached the disk or the network) and one to its logical reads (what the parsers
 * asked for); the distinct bytes of the logical log are the bytes the verdict needed.
 *
 * @example
 * const log = new ReadLog();
 * log.record(0, 10); log.record(5, 10);
 * log.calls; // 2
 * log.bytes; // 20
 * log.distinctBytes(); // 15
 */
export class ReadLog {
  calls = 0;
  bytes = 0;
  /** One-byte reads past the end that prove a file did not grow (not content, counted apart). */
  probes = 0;
  private readonly ranges: { offset: number; length: number }[] = [];

  record(offset: number, length: number): void {
    this.calls += 1;
    this.bytes += length;
    if (length > 0) this.ranges.push({ offset, length });
  }

  probe(): void {
    this.probes += 1;
  }

  /** Every read, in the order made. */
  reads(): readonly { offset: number; length: number }[] {
    return this.ranges;
  }

  /** Bytes covered by at least one read (the union of the ranges). */
  distinctBytes(): number {
    return mergedLength(this.ranges);
  }

  /** Bytes read inside [start, start + length), repeats counted: equals `length` when each was read once. */
  bytesWithin(start: number, length: number): number {
    let total = 0;
    for (const r of this.ranges) total += Math.max(0, Math.min(r.offset + r.length, start + length) - Math.max(r.offset, start));
    return total;
  }
}

function mergedLength(ranges: readonly { offset: number; length: number }[]): number {
  const sorted = [...ranges].sort((a, b) => a.offset - b.offset);
  let total = 0;
  let end = -1;
  for (const { offset, length } of sorted) {
    const stop = offset + length;
    if (stop <= end) continue;
    total += stop - Math.max(offset, end);
    end = stop;
  }
  return total;
}

/**
 * Wraps a source and logs every read made through it or its slices, in the wrapped source's
 * offsets. Put over a file source it shows what the parsers asked for.
 *
 * @example
 * const counted = new CountingSource(await FileSource.open("model.pt"));
 * await scanSource(counted, { path: "model.pt" });
 * counted.log.distinctBytes(); // the bytes the verdict needed
 */
export class CountingSource implements ByteSource {
  constructor(
    private readonly inner: ByteSource,
    readonly log: ReadLog = new ReadLog(),
  ) {}

  get size(): number {
    return this.inner.size;
  }

  get stats(): ReadStats {
    return this.inner.stats;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    this.log.record(offset, length);
    return this.inner.read(offset, length);
  }

  slice(offset: number, length: number): ByteSource {
    checkRange(this.size, offset, length);
    return new SliceSource(this, offset, length);
  }
}
