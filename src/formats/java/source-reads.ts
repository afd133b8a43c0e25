import type { ByteSource } from "../../core/byte-source.js";
import { JAVA_STREAM_MAGIC } from "./grammar.js";
import { JAVA_MAX_STREAM_BYTES, JAVA_READ_CHUNK } from "./limits.js";
import { parseJavaStream, type JavaParseResult } from "./parse.js";
import { indexOfJavaMagic } from "./sniff.js";

export { indexOfJavaMagic };

/** Reads `length` bytes at `offset` in chunks no larger than JAVA_READ_CHUNK. */
export async function readRange(source: ByteSource, offset: number, length: number): Promise<Uint8Array> {
  if (length <= JAVA_READ_CHUNK) return source.read(offset, length);
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += JAVA_READ_CHUNK) {
    out.set(await source.read(offset + at, Math.min(JAVA_READ_CHUNK, length - at)), at);
  }
  return out;
}

/** First parse window; streams in models are small, so most parses never read more. */
const FIRST_WINDOW = 64 * 1024;

/**
 * Parses the Java stream whose magic is at `offset`, reading a window that grows (x8) only while
 * the parse runs out of bytes, up to JAVA_MAX_STREAM_BYTES.
 *
 * @example
 * const { document } = await parseJavaStreamAt(source, 0);
 */
export async function parseJavaStreamAt(source: ByteSource, offset: number): Promise<JavaParseResult> {
  const available = source.size - offset;
  const cap = Math.min(available, JAVA_MAX_STREAM_BYTES);
  let window = Math.min(cap, FIRST_WINDOW);
  for (;;) {
    const bytes = await readRange(source, offset, window);
    const endsAt = window === available ? "end" : window === cap ? "limit" : "window";
    const result = parseJavaStream(bytes, { base: offset, endsAt, available });
    if (!result.needsMore || window >= cap) return result;
    window = Math.min(cap, window * 8);
  }
}

export interface MagicSearch {
  offsets: number[];
  /** Bytes looked at. */
  searched: number;
  /** More occurrences exist than `maxHits`. */
  moreHits: boolean;
  /** Stopped before the end: byte cap or deadline. */
  stoppedBy?: "bytes" | "deadline";
}

export interface MagicSearchOptions {
  from?: number;
  maxBytes: number;
  maxHits: number;
  now?: () => number;
  deadline?: number;
}

/**
 * Finds Java stream magic (AC ED 00 05) in a source by chunked reads, bounded in bytes, hits and
 * time. Occurrences inside an earlier hit are reported too; the caller decides what to parse.
 *
 * @example
 * const { offsets } = await findJavaMagic(source, { maxBytes: 1 << 20, maxHits: 8 });
 */
export async function findJavaMagic(source: ByteSource, options: MagicSearchOptions): Promise<MagicSearch> {
  const from = options.from ?? 0;
  const end = Math.min(source.size, from + options.maxBytes);
  const result: MagicSearch = { offsets: [], searched: 0, moreHits: false };
  const overlap = JAVA_STREAM_MAGIC.length - 1;
  for (let at = from; at < end; at += JAVA_READ_CHUNK) {
    if (options.now && options.deadline !== undefined && options.now() > options.deadline) {
      result.stoppedBy = "deadline";
      return result;
    }
    const length = Math.min(JAVA_READ_CHUNK + overlap, source.size - at);
    const chunk = await source.read(at, length);
    const last = Math.min(chunk.length - JAVA_STREAM_MAGIC.length, JAVA_READ_CHUNK - 1, end - at - 1);
    for (let i = chunk.indexOf(0xac); i !== -1 && i <= last; i = chunk.indexOf(0xac, i + 1)) {
      if (chunk[i + 1] === 0xed && chunk[i + 2] === 0x00 && chunk[i + 3] === 0x05) {
        if (result.offsets.length >= options.maxHits) {
          result.moreHits = true;
          result.searched = at + i - from;
          return result;
        }
        result.offsets.push(at + i);
      }
    }
    result.searched = Math.min(end, at + JAVA_READ_CHUNK) - from;
  }
  if (end < source.size) result.stoppedBy = "bytes";
  return result;
}

