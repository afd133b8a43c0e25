import { constants, type BigIntStats } from "node:fs";
import { lstat, open, stat } from "node:fs/promises";
import { createHash } from "node:crypto";
import { isAbsolute, resolve } from "node:path";
import { binary, type OsPath } from "./os-path.js";

/** Bytes read per hashing step: large enough for sequential read speed, small enough to stay out of the heap's way. */
const HASH_CHUNK_BYTES = 1024 * 1024;

/**
 * What ties a path to the bytes it held: size, modification and status-change times, inode and
 * device. ctime is the part an attacker cannot put back: `utimes()` restores mtime, but every
 * write and every `utimes()` moves ctime, which no unprivileged call sets.
 */
export interface FileStamp {
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  dev: bigint;
  ino: bigint;
}

export function stampOf(info: BigIntStats): FileStamp {
  return { size: info.size, mtimeNs: info.mtimeNs, ctimeNs: info.ctimeNs, dev: info.dev, ino: info.ino };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.dev === b.dev && a.ino === b.ino;
}

/** The stamp of the file at `path` now (lstat for walked entries: a link is not its target). */
export async function stampAt(path: OsPath, options: { noFollow: boolean }): Promise<FileStamp | undefined> {
  const info = await (options.noFollow ? lstat : stat)(path, { bigint: true }).catch(() => undefined);
  return info?.isFile() ? stampOf(info) : undefined;
}

/**
 * SHA-256 of a regular file, with the stamp it had while it was read. Returns undefined when the
 * path is not a regular file or it changed while it was hashed (the caller then scans without a
 * digest: a digest is only worth something if it is of the bytes that are there).
 *
 * @example
 * const digest = await hashFile(toOsPath("model.safetensors"), { noFollow: false });
 */
export async function hashFile(path: OsPath, options: { noFollow: boolean }): Promise<{ sha256: string; stamp: FileStamp } | undefined> {
  // Same flags as FileSource: no FIFO can block the open, no link swapped in is followed.
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0);
  const handle = await open(path, flags).catch(() => undefined);
  if (handle === undefined) return undefined;
  // A read error is the scan's to report (it reads the same file): here it only means no digest.
  try {
    const before = await handle.stat({ bigint: true });
    if (!before.isFile()) return undefined;
    const hash = createHash("sha256");
    const buffer = Buffer.alloc(Number(before.size < BigInt(HASH_CHUNK_BYTES) ? before.size : BigInt(HASH_CHUNK_BYTES)) || 1);
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
      // Growing while read (or a /proc-like file with no true size): stop, it has no one digest.
      if (BigInt(position) > before.size) return undefined;
    }
    const after = await handle.stat({ bigint: true });
    // Bytes past the size stat gave (a /proc file) or a write while reading: not one file's bytes.
    if (BigInt(position) !== before.size || !sameStamp(stampOf(before), stampOf(after))) return undefined;
    return { sha256: hash.digest("hex"), stamp: stampOf(before) };
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/**
 * The path made absolute, as latin1 text of its bytes (see os-path.ts): the working folder is
 * UTF-8 text, so it is turned into bytes before it is joined with a path that may not be UTF-8.
 */
export function absoluteBinary(path: OsPath): string {
  const text = binary(path);
  return isAbsolute(text) ? resolve(text) : resolve(binary(Buffer.from(process.cwd(), "utf8")), text);
}
