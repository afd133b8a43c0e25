import { constants } from "node:fs";
import { lstat, mkdir, open, realpath, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { ExtractionPlan, ExtractLimits, PlannedEntry, Skip } from "../extract/plan.js";
import { planExtraction } from "../extract/plan.js";
import { FileSource } from "./file-source.js";

/** Bytes per read/write when copying an entry. */
const COPY_CHUNK_BYTES = 4 * 1024 * 1024;

export interface ExtractOptions {
  overwrite?: boolean;
  limits?: Partial<ExtractLimits>;
}

export interface ExtractResult {
  plan: ExtractionPlan;
  /** Paths created, relative to DEST. */
  written: string[];
  /** Planned entries not written, and why (existing files, symlinked folders found on disk). */
  skipped: Skip[];
}

/**
 * Extracts an archive into `dest` without ever writing outside it: names are checked before
 * anything is created (see planExtraction), folders are created one component at a time and
 * each existing one is checked not to be a symlink, files are opened with O_CREAT|O_EXCL|O_NOFOLLOW
 * (an existing path is left alone unless `overwrite`, and even then a symlink is replaced, never
 * followed), modes are 0644/0755 only (no setuid, setgid or sticky bits), and no link, device or
 * FIFO is ever created.
 *
 * @example
 * const r = await extractArchive("bundle.zip", "out/");
 */
export async function extractArchive(archive: string, dest: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const source = await FileSource.open(archive);
  try {
    const plan = await planExtraction(source, { name: archive, ...(options.limits ? { limits: options.limits } : {}) });
    await mkdir(dest, { recursive: true });
    const root = await realpath(dest);
    const written: string[] = [];
    const skipped: Skip[] = [];
    for (const entry of plan.entries) {
      const problem = await writeEntry(root, entry, options.overwrite === true);
      if (problem === undefined) written.push(entry.path.join("/"));
      else skipped.push({ name: entry.name, code: "unsafe-path", reason: problem });
    }
    return { plan, written, skipped };
  } finally {
    await source.close();
  }
}

/** Creates one entry; returns why it was not, or undefined. */
async function writeEntry(root: string, entry: PlannedEntry, overwrite: boolean): Promise<string | undefined> {
  const folders = entry.kind === "directory" ? entry.path : entry.path.slice(0, -1);
  let dir = root;
  for (const component of folders) {
    dir = join(dir, component);
    const problem = await ensureFolder(dir);
    if (problem !== undefined) return problem;
  }
  if (entry.kind === "directory") return undefined;
  const target = join(root, ...entry.path);
  const existing = await lstat(target).catch(() => undefined);
  if (existing !== undefined) {
    if (!overwrite) return `${JSON.stringify(entry.path.join("/"))} already exists (use --overwrite to replace files)`;
    if (existing.isDirectory()) return `${JSON.stringify(entry.path.join("/"))} exists as a folder`;
    // Unlinking removes a symlink itself, never what it points to.
    await unlink(target);
  }
  const handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, entry.executable ? 0o755 : 0o644);
  try {
    await copyInto(handle, entry);
  } finally {
    await handle.close();
  }
  return undefined;
}

/** Makes `dir` if missing; an existing symlink or non-folder there stops the entry. */
async function ensureFolder(dir: string): Promise<string | undefined> {
  const info = await lstat(dir).catch(() => undefined);
  if (info === undefined) {
    await mkdir(dir, { mode: 0o755 });
    return undefined;
  }
  if (info.isSymbolicLink()) return `${JSON.stringify(dir)} is a symbolic link: not followed`;
  if (!info.isDirectory()) return `${JSON.stringify(dir)} exists and is not a folder`;
  return undefined;
}

async function copyInto(handle: FileHandle, entry: PlannedEntry): Promise<void> {
  const source = entry.source;
  if (source === undefined) return;
  for (let at = 0; at < source.size; at += COPY_CHUNK_BYTES) {
    const chunk = await source.read(at, Math.min(COPY_CHUNK_BYTES, source.size - at));
    let done = 0;
    while (done < chunk.length) done += (await handle.write(chunk, done, chunk.length - done, at + done)).bytesWritten;
  }
}
