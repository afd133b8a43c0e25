import { closeSync, constants, fstatSync, lstatSync, openSync, read as readCallback, readSync, statSync, type BigIntStats } from "node:fs";
import { ByteSourceError, SliceSource, checkRange, type ByteSource, type ReadStats } from "../core/byte-source.js";
import { DEFAULT_LIMITS } from "../core/limits.js";
import type { ReadLog } from "../core/read-log.js";
import { displayPath, toOsPath, type OsPath } from "./os-path.js";

/** Why a file could not be scanned as a stable regular file; each becomes that code in the report. */
export type FileSourceErrorCode = "not-a-file" | "size-unknown" | "changed-while-reading";

/** A file that is not what a scan can vouch for: not regular, of unknown size, or changing under us. */
export class FileSourceError extends ByteSourceError {
  constructor(
    readonly code: FileSourceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "FileSourceError";
  }
}

export interface FileSourceOptions {
  /** The path as the report shows it (default: the path, escaped). */
  shown?: string;
  /**
   * Refuse a symlink at the last component (O_NOFOLLOW): a walked entry was a regular file when
   * it was listed, and must not have become a link to somewhere else by the time it is opened.
   */
  noFollow?: boolean;
  /** Device and inode the file had when its folder was listed; another file at the path is refused. */
  expect?: { dev: bigint; ino: bigint };
  /** Logs every read that reaches the file (benchmarks and tests: "read each byte once"). */
  log?: ReadLog;
  /** Files up to this size are read whole by the first read (default WHOLE_FILE_BYTES). */
  wholeFileBytes?: number;
}

/**
 * Files up to this size are read whole, in one `pread`, by the first read: recognition reads the
 * first `headBytes` and the last `tailBytes` of every file, which together cover such a file, so
 * reading it whole costs no byte the scan does not need, and every later read is served from memory.
 */
export const WHOLE_FILE_BYTES = DEFAULT_LIMITS.headBytes + DEFAULT_LIMITS.tailBytes;
/** Bytes of earlier reads kept per open file to serve re-reads (CWE-770: bounded whatever the file asks for). */
export const MAX_RETAINED_BYTES = 4 * 1024 * 1024;
/**
 * Reads larger than this are not kept: headers, directories, the tail window (64 KiB) and small
 * members are what gets read again; a larger read is a window of a stream parsed in one pass, and
 * keeping those raised the peak RSS of a 50 MB pickle scan by 45 MB for nothing.
 */
export const MAX_RETAINED_READ_BYTES = 128 * 1024;
/** Kept reads per open file (CWE-407): a read looks through them all, so their number is bounded too. */
export const MAX_RETAINED_RANGES = 256;

/**
 * Reads up to this size are synchronous `pread`s; larger ones go through the thread pool. A scan of
 * a folder of small files makes a handful of system calls per file: on the page cache each costs
 * microseconds, the promise round trip through libuv's thread pool about a tenth of a millisecond
 * (measured: 0.04 ms against 0.3 ms per small file). A read this small never holds the event loop
 * for long, even on a slow disk; the larger reads of a big stream do not hold it at all.
 */
export const SYNC_READ_BYTES = 256 * 1024;

interface Retained {
  start: number;
  bytes: Uint8Array;
}

/**
 * What identifies the bytes a scan read: the same inode on the same device, the same size, and the
 * same modification and change times. ctime matters most: a rewrite that keeps the size and puts
 * mtime back with utimes() still moves ctime, which no unprivileged call can set.
 */
type Identity = Pick<BigIntStats, "dev" | "ino" | "size" | "mtimeNs" | "ctimeNs">;

/**
 * A `ByteSource` over a local file. Reads are positional (`pread`), so memory stays bounded by
 * what parsers ask for, whatever the file size. The file's identity is taken at open and checked
 * again by `verify()` once the scan is done: a verdict is only about the bytes that were read if
 * the file did not change while they were read.
 *
 * @example
 * const source = await FileSource.open("model.pt");
 * try { report = await scanSource(source, { path: "model.pt" }); await source.verify(); } finally { await source.close(); }
 */
export class FileSource implements ByteSource {
  readonly stats: ReadStats = { bytesRead: 0, reads: 0 };
  private whole: Promise<Uint8Array> | undefined;
  /** A read came back short at the size: the file ended there at that moment (see verify()). */
  private endSeen = false;
  private readonly retained: Retained[] = [];
  private retainedBytes = 0;
  private closed = false;

  private constructor(
    private readonly fd: number,
    private readonly opened: Identity,
    private readonly osPath: OsPath,
    readonly path: string,
    private readonly noFollow: boolean,
    private readonly wholeFileBytes: number,
    private readonly log: ReadLog | undefined,
  ) {}

  get size(): number {
    return Number(this.opened.size);
  }

  /**
   * Opens `path` (a string, or the bytes the OS gave) for reading; the caller must `close()` it.
   * Throws `FileSourceError` for anything but a regular file whose size can be trusted.
   */
  static async open(path: string | Uint8Array, options: FileSourceOptions = {}): Promise<FileSource> {
    const osPath = toOsPath(path);
    const shown = options.shown ?? displayPath(osPath);
    // O_NONBLOCK: a FIFO swapped in for a listed file must not block the open forever (it has no
    // effect on regular files). Both flags are 0 where the platform lacks them.
    const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0);
    // Synchronous: see SYNC_READ_BYTES. O_NONBLOCK keeps even this open from waiting on a FIFO.
    const fd = openSync(osPath, flags);
    try {
      const info = fstatSync(fd, { bigint: true });
      if (!info.isFile()) throw new FileSourceError("not-a-file", `Cannot scan ${JSON.stringify(shown)}: not a regular file (${kindOf(info)})`);
      const { expect } = options;
      if (expect !== undefined && (info.dev !== expect.dev || info.ino !== expect.ino)) {
        throw new FileSourceError("changed-while-reading", `${JSON.stringify(shown)} was replaced between listing its folder and opening it; not scanned`);
      }
      const source = new FileSource(fd, info, osPath, shown, options.noFollow === true, options.wholeFileBytes ?? WHOLE_FILE_BYTES, options.log);
      // /proc and sysfs files report size 0 and still return bytes: nothing about their size holds.
      if (info.size === 0n) await source.checkNothingPast(0n);
      return source;
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    if (length === 0) return new Uint8Array(0);
    const bytes = this.size <= this.wholeFileBytes ? (await this.readWhole()).subarray(offset, offset + length) : await this.readRetained(offset, length);
    this.stats.bytesRead += length;
    this.stats.reads += 1;
    return bytes;
  }

  /** The whole file, read by the first read (one `pread` of size + 1, which also proves nothing lies past the size). */
  private readWhole(): Promise<Uint8Array> {
    this.whole ??= this.readWholeOnce();
    return this.whole;
  }

  private async readWholeOnce(): Promise<Uint8Array> {
    // Not zeroed: only the `size` bytes read are handed out (a short read throws below).
    const buffer = uninitialised(this.size + 1);
    let done = 0;
    // A regular file's pread comes back short only at its end: getting `size` bytes of the
    // `size + 1` asked for is the whole file, in one call.
    while (done < this.size) {
      const asked = buffer.length - done;
      const bytesRead = await this.pread(buffer, done, asked, done);
      this.log?.record(done, bytesRead);
      if (bytesRead === 0) break;
      done += bytesRead;
      if (bytesRead < asked) this.endSeen = true;
    }
    if (done < this.size) throw this.shrank(done);
    if (done > this.size) throw new FileSourceError("changed-while-reading", `${JSON.stringify(this.path)} changed while it was scanned (it has bytes past its size of ${this.size}); the verdict would not be about the file as it is now`);
    return buffer.subarray(0, this.size);
  }

  /**
   * A read of a larger file: bytes an earlier read fetched are served again from memory, only the
   * gaps between them go to the file, and what was fetched is kept for the next read (within
   * MAX_RETAINED_BYTES). Parsers re-read headers and members (recognition, then parsing, then a
   * nested handler): the file is read once all the same.
   */
  private async readRetained(offset: number, length: number): Promise<Uint8Array> {
    const end = offset + length;
    const covering = this.retained.find((r) => r.start <= offset && end <= r.start + r.bytes.length);
    if (covering) return covering.bytes.subarray(offset - covering.start, end - covering.start);
    // Not zeroed (a 1 MiB window of a large pickle spent 2-4 % of the scan in memset and page
    // faults): every byte of it is copied from a retained read or read from the file below, and a
    // short read throws, so no byte that was not read is ever handed out.
    const out = uninitialised(length);
    let at = offset;
    for (const r of this.retained.filter((c) => c.start < end && c.start + c.bytes.length > offset).sort((a, b) => a.start - b.start)) {
      if (r.start > at) await this.fetch(out, offset, at, r.start);
      const from = Math.max(at, r.start);
      const to = Math.min(end, r.start + r.bytes.length);
      if (to > from) {
        out.set(r.bytes.subarray(from - r.start, to - r.start), from - offset);
        at = to;
      }
    }
    if (at < end) await this.fetch(out, offset, at, end);
    return out;
  }

  /** Reads [from, to) into `out` (which starts at `base`) and keeps those bytes for later reads. */
  private async fetch(out: Uint8Array, base: number, from: number, to: number): Promise<void> {
    const target = out.subarray(from - base, to - base);
    let done = 0;
    while (done < target.length) {
      const bytesRead = await this.pread(target, done, target.length - done, from + done);
      this.log?.record(from + done, bytesRead);
      if (bytesRead === 0) throw this.shrank(from + done);
      done += bytesRead;
    }
    this.retain(from, target);
  }

  private retain(start: number, bytes: Uint8Array): void {
    if (bytes.length > MAX_RETAINED_READ_BYTES) return;
    // A read fetched whole is kept as it was handed out (parsers never write to what they read, as
    // with MemorySource); a part of an assembled read is copied, so as not to keep the whole alive.
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    this.retained.push({ start, bytes: whole ? bytes : bytes.slice() });
    this.retainedBytes += bytes.length;
    while (this.retainedBytes > MAX_RETAINED_BYTES || this.retained.length > MAX_RETAINED_RANGES) {
      const oldest = this.retained.shift() as Retained;
      this.retainedBytes -= oldest.bytes.length;
    }
  }

  /** One `pread`: synchronous when small (see SYNC_READ_BYTES), through the thread pool when large. */
  private pread(buffer: Uint8Array, at: number, length: number, position: number): Promise<number> | number {
    if (length <= SYNC_READ_BYTES) return readSync(this.fd, buffer, at, length, position);
    return new Promise((resolve, reject) => readCallback(this.fd, buffer, at, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));
  }

  private shrank(at: number): FileSourceError {
    return new FileSourceError("changed-while-reading", `Cannot read ${JSON.stringify(this.path)}: file shrank to ${at} bytes while scanning`);
  }

  slice(offset: number, length: number): ByteSource {
    checkRange(this.size, offset, length);
    return new SliceSource(this, offset, length);
  }

  /**
   * Throws `FileSourceError` ("changed-while-reading") when the file is no longer the one that was
   * opened: its inode, size or times moved, the path now names another file, or bytes can be read
   * past the size it had. Call it after the scan, before `close()`.
   */
  async verify(): Promise<void> {
    const now = fstatSync(this.fd, { bigint: true });
    const changed = differences(this.opened, now);
    const atPath = statAt(this.osPath, this.noFollow);
    if (atPath === undefined) changed.push("the path no longer exists");
    else if (atPath.ino !== this.opened.ino || atPath.dev !== this.opened.dev) changed.push("the path now names another file");
    if (changed.length > 0) {
      throw new FileSourceError("changed-while-reading", `${JSON.stringify(this.path)} changed while it was scanned (${changed.join(", ")}); the verdict would not be about the file as it is now`);
    }
    // A whole-file read that came back short at the size saw the end then, and the stat above
    // shows the size and times unmoved since: a probe would only repeat that (one read per file).
    if (!this.endSeen || this.size === 0) await this.checkNothingPast(this.opened.size);
  }

  /** Closes the file; a second call does nothing. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      closeSync(this.fd);
    }
    return Promise.resolve();
  }

  /** Reads one byte at `end`: there must be none, or the size stat gave was not the file's size. */
  private async checkNothingPast(end: bigint): Promise<void> {
    const bytesRead = await this.pread(new Uint8Array(1), 0, 1, Number(end));
    this.log?.probe();
    if (bytesRead === 0) return;
    if (end === 0n) {
      throw new FileSourceError("size-unknown", `Cannot scan ${JSON.stringify(this.path)}: size unknown (the file system reports 0 bytes but it has content, as /proc and sysfs files do); not a regular file`);
    }
    throw new FileSourceError("changed-while-reading", `${JSON.stringify(this.path)} changed while it was scanned (it has bytes past its size of ${end}); the verdict would not be about the file as it is now`);
  }
}

/** The path's identity now, or undefined when it cannot be looked up (gone, or no longer reachable). */
function statAt(path: OsPath, noFollow: boolean): BigIntStats | undefined {
  try {
    return (noFollow ? lstatSync : statSync)(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function differences(before: Identity, after: Identity): string[] {
  const out: string[] = [];
  if (after.dev !== before.dev || after.ino !== before.ino) out.push("inode changed");
  if (after.size !== before.size) out.push(`size ${before.size} -> ${after.size}`);
  if (after.mtimeNs !== before.mtimeNs) out.push("modification time changed");
  if (after.ctimeNs !== before.ctimeNs) out.push("status change time moved");
  return out;
}

function kindOf(info: BigIntStats): string {
  if (info.isDirectory()) return "directory";
  if (info.isFIFO()) return "FIFO";
  if (info.isSocket()) return "socket";
  if (info.isCharacterDevice()) return "character device";
  if (info.isBlockDevice()) return "block device";
  return "special file";
}

/**
 * A byte array, not zeroed: the caller fills every byte it hands out. Under 4 KiB it is a slice of
 * Node's shared pool (one allocation per 8 KiB slab): a memory block of its own for each small
 * file was some 2 % of a folder scan of small pickles. Larger ones have memory of their own.
 */
function uninitialised(length: number): Uint8Array {
  const bytes = Buffer.allocUnsafe(length);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, length);
}
