import { constants, type BigIntStats } from "node:fs";
import { lstat, open, stat, type FileHandle } from "node:fs/promises";
import { ByteSourceError, SliceSource, checkRange, type ByteSource, type ReadStats } from "../core/byte-source.js";
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

  private constructor(
    private readonly handle: FileHandle,
    private readonly opened: Identity,
    private readonly osPath: OsPath,
    readonly path: string,
    private readonly noFollow: boolean,
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
    const handle = await open(osPath, flags);
    try {
      const info = await handle.stat({ bigint: true });
      if (!info.isFile()) throw new FileSourceError("not-a-file", `Cannot scan ${JSON.stringify(shown)}: not a regular file (${kindOf(info)})`);
      const { expect } = options;
      if (expect !== undefined && (info.dev !== expect.dev || info.ino !== expect.ino)) {
        throw new FileSourceError("changed-while-reading", `${JSON.stringify(shown)} was replaced between listing its folder and opening it; not scanned`);
      }
      const source = new FileSource(handle, info, osPath, shown, options.noFollow === true);
      // /proc and sysfs files report size 0 and still return bytes: nothing about their size holds.
      if (info.size === 0n) await source.checkNothingPast(0n);
      return source;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    const buffer = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, offset + done);
      if (bytesRead === 0) {
        throw new FileSourceError("changed-while-reading", `Cannot read ${JSON.stringify(this.path)}: file shrank to ${offset + done} bytes while scanning`);
      }
      done += bytesRead;
    }
    this.stats.bytesRead += length;
    this.stats.reads += 1;
    return buffer;
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
    const now = await this.handle.stat({ bigint: true });
    const changed = differences(this.opened, now);
    const atPath = await (this.noFollow ? lstat : stat)(this.osPath, { bigint: true }).catch(() => undefined);
    if (atPath === undefined) changed.push("the path no longer exists");
    else if (atPath.ino !== this.opened.ino || atPath.dev !== this.opened.dev) changed.push("the path now names another file");
    if (changed.length > 0) {
      throw new FileSourceError("changed-while-reading", `${JSON.stringify(this.path)} changed while it was scanned (${changed.join(", ")}); the verdict would not be about the file as it is now`);
    }
    await this.checkNothingPast(this.opened.size);
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  /** Reads one byte at `end`: there must be none, or the size stat gave was not the file's size. */
  private async checkNothingPast(end: bigint): Promise<void> {
    const { bytesRead } = await this.handle.read(new Uint8Array(1), 0, 1, Number(end));
    if (bytesRead === 0) return;
    if (end === 0n) {
      throw new FileSourceError("size-unknown", `Cannot scan ${JSON.stringify(this.path)}: size unknown (the file system reports 0 bytes but it has content, as /proc and sysfs files do); not a regular file`);
    }
    throw new FileSourceError("changed-while-reading", `${JSON.stringify(this.path)} changed while it was scanned (it has bytes past its size of ${end}); the verdict would not be about the file as it is now`);
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
