import { lstatSync, readdirSync } from "node:fs";
import { lstat, readlink, realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { binary, childOsPath, displayPath, fromBinary, joinOsPath, toOsPath, type OsPath } from "./os-path.js";

/**
 * One thing found in a folder. `path` is for the report (escaped, `\xNN` for bytes that are not
 * UTF-8); `absolute` is the bytes to open it by.
 */
export type WalkEntry =
  | { kind: "file"; path: string; absolute: OsPath; identity?: FileIdentity; size?: number }
  | { kind: "symlink"; path: string; absolute: OsPath; target: string; resolved: string | undefined; escapes: boolean; loop?: string }
  | { kind: "special"; path: string; absolute: OsPath; what: string }
  | { kind: "unreadable"; path: string; absolute: OsPath; message: string; code?: string };

/** Device and inode of an entry when the folder was read: what is opened later must be the same. */
export interface FileIdentity {
  /** Bigints: 64-bit inode numbers (XFS, btrfs) lose bits as JS numbers. */
  dev: bigint;
  ino: bigint;
}

/** Directory entries visited per walk (CWE-400): a runaway tree stops with an error entry. */
const MAX_ENTRIES = 1_000_000;

/**
 * Walks a directory depth-first in name order. Names are read as bytes, so a name that is not
 * UTF-8 is still opened and scanned. Symlinks are reported, never followed: the targets that live
 * inside the root are scanned in place anyway, the others are out of scope. A link that loops, or
 * that points at a folder holding it, is marked (`loop`): a loader that follows links never ends.
 * Folders are remembered by device and inode, so a folder met twice (a bind mount of an ancestor)
 * is an entry of its own, not an endless walk.
 */
export async function* walk(root: string | Uint8Array, display: string, options: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  const rootPath = toOsPath(root);
  const rootReal = binary(await realpath(rootPath, { encoding: "buffer" }));
  const within = (p: string): boolean => {
    const rel = relative(rootReal, p);
    return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
  };
  const visited = new Set<string>();
  let count = 0;
  const stack: Pending[] = [{ dir: rootPath, shown: display, identity: undefined, rel: "" }];
  while (stack.length > 0) {
    const { dir, shown, identity, rel } = stack.pop() as Pending;
    let names: Buffer[];
    try {
      // The root may be a link the user named; below it, a folder must still be the one listed.
      const info = identity === undefined ? await stat(dir, { bigint: true }) : await lstat(dir, { bigint: true });
      const key = `${info.dev}:${info.ino}`;
      if (identity !== undefined && !sameIdentity(identity, info)) {
        yield { kind: "unreadable", path: shown, absolute: dir, code: "changed-while-reading", message: "Folder was replaced while the scan walked it; not walked" };
        continue;
      }
      if (visited.has(key)) {
        yield { kind: "unreadable", path: shown, absolute: dir, code: "directory-loop", message: "Folder already walked under another path (a bind mount or hard-linked folder loops back); not walked again" };
        continue;
      }
      visited.add(key);
      // Synchronous listing and lstat: one call per entry, where a promise round trip through the
      // thread pool costs more than the call itself (see SYNC_READ_BYTES in file-source.ts).
      names = readdirSync(dir, { encoding: "buffer" }).sort(Buffer.compare);
      // readdir follows a link: a folder swapped for one between the two calls shows here.
      const after = lstatSync(dir, { bigint: true });
      if (identity !== undefined && !sameIdentity(identity, after)) {
        yield { kind: "unreadable", path: shown, absolute: dir, code: "changed-while-reading", message: "Folder was replaced while the scan walked it; not walked" };
        continue;
      }
    } catch (error) {
      yield { kind: "unreadable", path: shown, absolute: dir, message: (error as Error).message };
      continue;
    }
    const subdirs: Pending[] = [];
    for (const name of names) {
      if (++count > MAX_ENTRIES) {
        yield { kind: "unreadable", path: shown, absolute: dir, code: "limit-exceeded", message: `More than ${MAX_ENTRIES} entries in one walk; the rest were not scanned (limit MAX_ENTRIES)` };
        return;
      }
      // Below the root, `dir` came from joinOsPath: the root as given may not be normalised.
      const absolute = identity === undefined ? joinOsPath(dir, name) : childOsPath(dir, name);
      const nameShown = displayPath(name);
      const path = `${shown}/${nameShown}`;
      const childRel = rel === "" ? nameShown : `${rel}/${nameShown}`;
      if (options.exclude?.(childRel) === true) continue;
      let info;
      try {
        info = lstatSync(absolute, { bigint: true });
      } catch (error) {
        yield { kind: "unreadable", path, absolute, message: (error as Error).message };
        continue;
      }
      if (info.isSymbolicLink()) {
        yield await symlinkEntry(absolute, path, dir, within);
      } else if (info.isDirectory()) {
        subdirs.push({ dir: absolute, shown: path, identity: { dev: info.dev, ino: info.ino }, rel: childRel });
      } else if (info.isFile()) {
        yield { kind: "file", path, absolute, identity: { dev: info.dev, ino: info.ino }, size: Number(info.size) };
      } else {
        const what = info.isFIFO() ? "FIFO" : info.isSocket() ? "socket" : info.isCharacterDevice() || info.isBlockDevice() ? "device" : "special file";
        yield { kind: "special", path, absolute, what };
      }
    }
    for (const sub of subdirs.reverse()) stack.push(sub);
  }
}

export interface WalkOptions {
  /** Leave out an entry (and, for a folder, all below it) by its path relative to the root. */
  exclude?: (relativePath: string) => boolean;
}

interface Pending {
  dir: OsPath;
  shown: string;
  /** Relative to the root, POSIX, as `exclude` sees it. */
  rel: string;
  /** From the parent's listing; undefined for the root. */
  identity: FileIdentity | undefined;
}

function sameIdentity(expected: FileIdentity, info: { dev: bigint; ino: bigint; isDirectory(): boolean }): boolean {
  return info.isDirectory() && info.dev === expected.dev && info.ino === expected.ino;
}

async function symlinkEntry(absolute: OsPath, path: string, dir: OsPath, within: (p: string) => boolean): Promise<WalkEntry> {
  const targetBytes = await readlink(absolute, { encoding: "buffer" }).catch(() => Buffer.alloc(0));
  const target = displayPath(targetBytes);
  let resolved: string | undefined;
  let loop: string | undefined;
  try {
    resolved = binary(await realpath(absolute, { encoding: "buffer" }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") loop = "the chain of links never reaches a file (a link loop)";
  }
  if (resolved !== undefined) {
    // A link to a folder that contains the link itself: following it recurses without end.
    const holder = binary(await realpath(dir, { encoding: "buffer" }).catch(() => dir));
    const rel = relative(resolved, holder);
    const isAncestor = rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
    if (isAncestor && (await stat(absolute).then((s) => s.isDirectory(), () => false))) loop = "it points at a folder that holds it, so following links never ends";
  }
  const lexical = resolve(binary(dir), binary(targetBytes));
  const escapes = resolved === undefined ? !within(lexical) : !within(resolved);
  const shownResolved = resolved === undefined ? undefined : displayPath(fromBinary(resolved));
  return { kind: "symlink", path, absolute, target, resolved: shownResolved, escapes, ...(loop ? { loop } : {}) };
}
