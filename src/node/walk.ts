import { lstat, readdir, readlink, realpath } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

export type WalkEntry =
  | { kind: "file"; path: string; absolute: string }
  | { kind: "symlink"; path: string; absolute: string; target: string; resolved: string | undefined; escapes: boolean }
  | { kind: "special"; path: string; absolute: string; what: string }
  | { kind: "unreadable"; path: string; absolute: string; message: string };

/** Directory entries visited per walk (CWE-400): a runaway tree stops with an error entry. */
const MAX_ENTRIES = 1_000_000;

/**
 * Walks a directory depth-first in name order. Symlinks are reported, never followed: the
 * targets that live inside the root are scanned in place anyway, the others are out of scope.
 */
export async function* walk(root: string, display: string): AsyncGenerator<WalkEntry> {
  const rootReal = await realpath(root);
  let count = 0;
  const stack: { dir: string; shown: string }[] = [{ dir: root, shown: display }];
  while (stack.length > 0) {
    const { dir, shown } = stack.pop() as { dir: string; shown: string };
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (error) {
      yield { kind: "unreadable", path: shown, absolute: dir, message: (error as Error).message };
      continue;
    }
    const subdirs: { dir: string; shown: string }[] = [];
    for (const name of names) {
      if (++count > MAX_ENTRIES) {
        yield { kind: "unreadable", path: shown, absolute: dir, message: `More than ${MAX_ENTRIES} entries; the rest were not scanned` };
        return;
      }
      const absolute = join(dir, name);
      const path = `${shown}/${name}`;
      let info;
      try {
        info = await lstat(absolute);
      } catch (error) {
        yield { kind: "unreadable", path, absolute, message: (error as Error).message };
        continue;
      }
      if (info.isSymbolicLink()) {
        const target = await readlink(absolute).catch(() => "");
        const resolved = await realpath(absolute).catch(() => undefined);
        const lexical = resolve(dir, target);
        const within = (p: string): boolean => {
          const rel = relative(rootReal, p);
          return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
        };
        const escapes = resolved === undefined ? !within(lexical) : !within(resolved);
        yield { kind: "symlink", path, absolute, target, resolved, escapes };
      } else if (info.isDirectory()) {
        subdirs.push({ dir: absolute, shown: path });
      } else if (info.isFile()) {
        yield { kind: "file", path, absolute };
      } else {
        const what = info.isFIFO() ? "FIFO" : info.isSocket() ? "socket" : info.isCharacterDevice() || info.isBlockDevice() ? "device" : "special file";
        yield { kind: "special", path, absolute, what };
      }
    }
    for (const sub of subdirs.reverse()) stack.push(sub);
  }
}
