import type { Stats } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { quote, signingError, type SigningStage } from "../../signing/errors.js";
import { isIgnored } from "../../signing/paths.js";
import { MAX_RESOURCES } from "../../signing/statement.js";

/** A regular file of the model: its manifest name, where to read it, its size when listed. */
export interface ModelFile {
  /** POSIX path relative to the model root; `.` when the model is a single file. */
  name: string;
  absolute: string;
  size: number;
}

export interface ListModelFilesOptions {
  /** Model-relative paths to leave out (with everything below them). */
  ignorePaths: readonly string[];
  /** Follow symlinks (to files and folders) instead of refusing them, as `--allow-symlinks`. */
  allowSymlinks: boolean;
  stage: SigningStage;
}

/**
 * Lists the files of a model the way the reference tool serializes it: every regular file below
 * the root (hidden ones too), ignored paths left out, symlinks refused unless allowed, anything
 * else (FIFOs, sockets, devices) refused. A single file is a model of one file named `.`.
 *
 * @example
 * await listModelFiles("model/", { ignorePaths: [".git"], allowSymlinks: false, stage: "sign" });
 * @throws SigningError model-unreadable naming the path that cannot be used.
 */
export async function listModelFiles(modelPath: string, options: ListModelFilesOptions): Promise<ModelFile[]> {
  const fail = (detail: string) => signingError(options.stage, "model-unreadable", detail);
  const root = await describe(modelPath, modelPath, options, fail);
  if (root.kind === "file") return [{ name: ".", absolute: modelPath, size: root.size }];
  const files: ModelFile[] = [];
  let entries = 0;
  // Depth-first in name order. Only real folders are entered, so the walk cannot loop.
  const stack: Folder[] = [{ dir: modelPath, rel: "" }];
  while (stack.length > 0) {
    const { dir, rel } = stack.pop() as Folder;
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (error) {
      throw fail(`cannot read the folder ${quote(dir)}: ${reason(error)}`);
    }
    const subdirs: Folder[] = [];
    for (const name of names) {
      if (++entries > MAX_RESOURCES) throw fail(`the model has more than ${MAX_RESOURCES} entries`);
      const childRel = rel === "" ? name : `${rel}/${name}`;
      if (isIgnored(childRel, options.ignorePaths)) continue;
      const absolute = join(dir, name);
      const entry = await describe(absolute, childRel, options, fail);
      if (entry.kind === "file") files.push({ name: childRel, absolute, size: entry.size });
      // A folder reached through a symlink is not entered, as the reference tool (whose walk does
      // not follow links to folders) leaves it out: otherwise neither verifies the other's manifest.
      else if (!entry.viaLink) subdirs.push({ dir: absolute, rel: childRel });
    }
    for (const sub of subdirs.reverse()) stack.push(sub);
  }
  if (files.length === 0) throw fail(`the model ${quote(modelPath)} has no regular files once ignored paths are left out`);
  return files;
}

interface Folder {
  dir: string;
  rel: string;
}

type Described = { kind: "file"; size: number } | { kind: "dir"; viaLink: boolean };

async function describe(absolute: string, shown: string, options: ListModelFilesOptions, fail: (d: string) => Error): Promise<Described> {
  let info: Stats;
  try {
    info = await lstat(absolute);
  } catch (error) {
    throw fail(`cannot read ${quote(shown)}: ${reason(error)}`);
  }
  const viaLink = info.isSymbolicLink();
  if (viaLink) {
    if (!options.allowSymlinks) throw fail(`${quote(shown)} is a symlink; pass --allow-symlinks to follow symlinks (only if the signer did too)`);
    try {
      info = await stat(absolute);
    } catch (error) {
      throw fail(`the symlink ${quote(shown)} points to nothing usable: ${reason(error)}`);
    }
  }
  if (info.isFile()) return { kind: "file", size: info.size };
  if (info.isDirectory()) return { kind: "dir", viaLink };
  const what = info.isFIFO() ? "a FIFO" : info.isSocket() ? "a socket" : "a device or special file";
  throw fail(`${quote(shown)} is ${what}, not a regular file or folder`);
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  return (error as Error).message;
}
