import type { Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import { ByteSourceError } from "../core/byte-source.js";
import { safeLine } from "../core/safe-text.js";
import { summarize, verdictOf, type FileReport, type ScanReport } from "../core/finding.js";
import type { Limits } from "../core/limits.js";
import { reportDocument, scanSource } from "../engine/scan.js";
import type { Policy } from "../policy/policy.js";
import { defaultPolicy } from "../policy/default.js";
import { excludePredicate, type ExcludePredicate } from "./exclude.js";
import { rulesForFormat } from "../rules/families.js";
import { FILESYSTEM_RULES } from "../rules/filesystem/index.js";
import type { SymlinkDocument } from "../rules/filesystem/fs001-symlink-escape.js";
import type { OnnxDocument } from "../formats/onnx/types.js";
import { availableParallelism } from "node:os";
import { FileSource, FileSourceError } from "./file-source.js";
import { POOL_AVAILABLE, ScanPool } from "./scan-pool.js";
import { checkOnnxExternalFiles, ExternalFilesLimitError } from "./onnx-external.js";
import type { FolderSource, ScannedFile } from "./folder-pass.js";
import { binary, displayPath, fromBinary, toOsPath, type OsPath } from "./os-path.js";
import { PathError } from "./path-error.js";
import { VERSION } from "./version.js";
import { walk, type WalkEntry } from "./walk.js";

export { PathError, VERSION };

export interface ScanPathsOptions {
  /** Default: the default policy, as `scanSource`. */
  policy?: Policy;
  limits?: Partial<Limits>;
  /** Files scanned at once; reads are positional, so this mostly overlaps I/O waits. */
  concurrency?: number;
  onProgress?: (done: number, total: number, path: string) => void;
  /**
   * Scan files on worker threads (default true where the compiled worker exists): in parallel
   * across cores, each under a heap cap and a hard time limit, so one hostile file costs only its
   * own verdict. A single file is scanned in this thread whatever this says: a worker would double
   * the start-up cost and add ~12 MB (a pre-commit hook runs once per file), and with one file
   * there is no other verdict to protect. Its limits still hold (the engine's per-file deadline);
   * a runaway parse ends the process (an abort or a hang, never a clean verdict).
   */
  isolate?: boolean;
  /** `--exclude` globs, relative to each folder argument; `.git`, `.hg`, `.svn` are always left out. */
  exclude?: readonly string[];
}


/** A path, scanned or not: what the report shows, and the bytes to open it by. */
type Given = string | Uint8Array;

/**
 * Scans files and folders. Folders are walked recursively; every regular file is sniffed by
 * content. Report paths are as given, or `<dir>/<relative path>` inside a folder argument, with
 * control characters escaped and bytes that are not UTF-8 shown as `\xNN`. Never throws for a
 * path: a missing or unreadable one, or a file the scanner failed on, is a report with verdict
 * `error`, and every other path keeps its own verdict.
 *
 * @example
 * const report = await scanPaths(["models/"], { policy: defaultPolicy() });
 */
export async function scanPaths(paths: readonly Given[], given: ScanPathsOptions = {}): Promise<ScanReport> {
  const options = { ...given, policy: given.policy ?? defaultPolicy() };
  const entries: Entry[] = [];
  /** Folder arguments as shown in the report: each is a model folder with a verdict of its own. */
  const folderArgs: string[] = [];
  const exclude = excludePredicate(options.exclude ?? []);
  for (const given of paths) entries.push(...(await entriesOf(given, exclude, folderArgs)));

  const files: FileReport[] = new Array<FileReport>(entries.length);
  const fileCount = entries.filter((e) => e.kind === "file").length;
  const pool = (options.isolate ?? true) && POOL_AVAILABLE && fileCount > 1 ? new ScanPool({ policyLayers: options.policy.layers, limits: options.limits, size: Math.min(availableParallelism(), fileCount) }) : undefined;
  const sources: FolderSource[] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const index = next++;
      const entry = entries[index] as Entry;
      const scanned = pool && entry.kind === "file" ? pool.scan({ entry }) : scanEntry(entry, options);
      const result = await scanned.catch((error: unknown): ScannedEntry => ({ report: errorReport(entry.path, "internal-error", `Scanner failed: ${(error as Error).message}`), sources: [] }));
      files[index] = result.report;
      sources.push(...result.sources);
      options.onProgress?.(++done, entries.length, entry.path);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? Math.max(4, availableParallelism()), entries.length));
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await pool?.close();
  }
  // The model is a folder: tie the Python its configs make loading import, and judge each folder.
  const scanned: ScannedFile[] = entries.flatMap((entry, i) => (entry.kind === "file" ? [{ shown: entry.path, absolute: textPath(entry.absolute), report: files[i] as FileReport }] : []));
  // Only folders and configs tie files together: a one-file scan loads no Python parser for it.
  const folders = folderArgs.length > 0 || sources.length > 0 ? await (await import("./folder-pass.js")).folderPass(scanned, sources, folderArgs, options.policy) : [];
  const report: ScanReport = { schemaVersion: 1, tool: { name: "modelvet", version: VERSION }, files, summary: summarize(files) };
  if (folders.length > 0) report.folders = folders;
  return report;
}

/** A scanned entry: its report, and the documents that tie other files of its folder to the model. */
export interface ScannedEntry {
  report: FileReport;
  sources: FolderSource[];
}

/** Paths in the folder pass are compared as text (ties come from config text); bytes that are not UTF-8 do not tie. */
function textPath(path: OsPath): string {
  return path.toString("utf8");
}

/**
 * A walk entry, with the folder argument it was found under (its own folder for a file
 * argument) and whether its last component may be a link (only for a path the user named).
 */
export type Entry = WalkEntry & { root: OsPath; named: boolean };

/** What one path argument stands for: itself, everything in its folder, or an error entry. */
async function entriesOf(given: Given, exclude: ExcludePredicate, folderArgs: string[]): Promise<Entry[]> {
  const absolute = toOsPath(given);
  const shown = typeof given === "string" ? safeLine(given) : displayPath(given);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    return [{ ...unreadable(shown, absolute, error), root: fromBinary(dirname(binary(absolute))), named: true }];
  }
  if (info.isFile()) return [{ kind: "file", path: shown, absolute, root: fromBinary(dirname(binary(absolute))), named: true }];
  // Never opened: opening a device can act on it (a tape rewinds), and a FIFO would block.
  if (!info.isDirectory()) return [{ kind: "special", path: shown, absolute, what: specialKind(info), root: absolute, named: true }];
  const display = shown.replace(/[\\/]+$/, "") || shown;
  folderArgs.push(display);
  const entries: Entry[] = [];
  try {
    for await (const entry of walk(absolute, display, { exclude })) entries.push({ ...entry, root: absolute, named: false });
  } catch (error) {
    // The walk reports what it cannot read as entries; this is the root itself failing mid-way.
    entries.push({ ...unreadable(display, absolute, error), root: absolute, named: true });
  }
  return entries;
}

function specialKind(info: Stats): string {
  if (info.isFIFO()) return "FIFO";
  if (info.isSocket()) return "socket";
  if (info.isCharacterDevice()) return "character device";
  if (info.isBlockDevice()) return "block device";
  return "special file";
}

function unreadable(path: string, absolute: OsPath, error: unknown): WalkEntry {
  const errno = (error as NodeJS.ErrnoException).code;
  if (errno === "ENOENT" || errno === "ENOTDIR") return { kind: "unreadable", path, absolute, code: "not-found", message: "No such file or directory" };
  return { kind: "unreadable", path, absolute, code: "io-error", message: systemReason(error) };
}

/** Scans one entry in this thread (the worker threads of `ScanPool` call it too). */
export async function scanEntry(entry: Entry, options: { policy: Policy; limits?: Partial<Limits> }): Promise<ScannedEntry> {
  const sources: FolderSource[] = [];
  const report = await scanEntryReport(entry, options, sources);
  return { report, sources };
}

async function scanEntryReport(entry: Entry, options: { policy: Policy; limits?: Partial<Limits> }, sources: FolderSource[]): Promise<FileReport> {
  const base = { policy: options.policy, limits: options.limits, path: entry.path };
  switch (entry.kind) {
    case "symlink":
      return symlinkReport(entry, base);
    case "special":
      return errorReport(entry.path, "not-a-file", `Not a regular file (${entry.what}); not scanned`);
    case "unreadable":
      return errorReport(entry.path, entry.code ?? "io-error", entry.code ? entry.message : `Cannot read: ${entry.message}`);
    case "file":
      break;
  }
  let source: FileSource;
  try {
    source = await FileSource.open(entry.absolute, { shown: entry.path, noFollow: !entry.named, expect: entry.identity });
  } catch (error) {
    return openFailure(entry, error);
  }
  try {
    const onnx: OnnxDocument[] = [];
    const report = await scanSource(source, {
      ...base,
      onDocument: (view, member) => {
        if (member === undefined && view.format === "onnx") onnx.push(view.document as OnnxDocument);
        if (member === undefined && (view.format === "mlflow-model" || view.format === "hf-config")) {
          sources.push({ shown: entry.path, absolute: textPath(entry.absolute), format: view.format, document: view.document });
        }
      },
    });
    try {
      for (const doc of onnx) {
        for (const fact of await checkOnnxExternalFiles({ absolute: entry.absolute, shown: entry.path }, doc, { root: entry.root })) {
          report.findings.push(...reportDocument("onnx-external-file", fact, { ...base, rules: await rulesForFormat("onnx-external-file") }).findings);
        }
      }
    } catch (error) {
      // The report so far stands; the check that failed makes it incomplete, so it fails closed.
      if (error instanceof ExternalFilesLimitError) report.errors.push({ code: "limit-exceeded", message: `${error.message} (limit MAX_EXTERNAL_FILES)`, location: {} });
      else report.errors.push({ code: "internal-error", message: `Cannot check ONNX external data files: ${(error as Error).message}`, location: {} });
    }
    try {
      await source.verify();
    } catch (error) {
      const code = error instanceof FileSourceError ? error.code : "io-error";
      report.errors.push({ code, message: (error as Error).message, location: {} });
    }
    report.verdict = verdictOf(report.findings, report.errors);
    return report;
  } catch (error) {
    if (error instanceof FileSourceError) return errorReport(entry.path, error.code, error.message);
    const code = error instanceof ByteSourceError ? "io-error" : "internal-error";
    return errorReport(entry.path, code, `Scanner failed: ${(error as Error).message}`);
  } finally {
    await source.close();
  }
}

function openFailure(entry: Entry, error: unknown): FileReport {
  if (error instanceof FileSourceError) return errorReport(entry.path, error.code, error.message);
  const errno = (error as NodeJS.ErrnoException).code;
  // O_NOFOLLOW met a link, or the file went away: it was a regular file when the folder was read.
  if (!entry.named && (errno === "ELOOP" || errno === "ENOENT")) {
    return errorReport(entry.path, "changed-while-reading", `Changed while the folder was scanned (${errno === "ELOOP" ? "now a symbolic link" : "now gone"}); not scanned`);
  }
  if (errno === "ENOENT" || errno === "ENOTDIR") return errorReport(entry.path, "not-found", "No such file or directory");
  return errorReport(entry.path, "io-error", `Cannot open: ${systemReason(error)}`);
}

function symlinkReport(entry: Extract<WalkEntry, { kind: "symlink" }>, given: { policy: Policy; limits?: Partial<Limits>; path: string }): FileReport {
  const base = { ...given, rules: FILESYSTEM_RULES };
  const doc: SymlinkDocument = { format: "symlink", target: entry.target, resolved: entry.resolved, escapes: entry.escapes };
  const failClosed = (report: FileReport, code: string, message: string): FileReport => {
    report.errors.push({ code, message, location: {} });
    report.verdict = verdictOf(report.findings, report.errors);
    return report;
  };
  if (entry.loop !== undefined) {
    return failClosed(reportDocument("symlink", doc, base), "symlink-loop", `Symlink to ${JSON.stringify(entry.target)} loops: ${entry.loop}`);
  }
  if (entry.escapes) {
    // Fail closed: what a loader would read through this link was not scanned.
    const report = reportDocument("symlink", doc, { ...base, notes: ["To scan a Hugging Face cache snapshot, scan the repository folder (models--org--name/) so the blobs the links point to are inside it."] });
    return failClosed(report, "not-followed", `Symlink target ${JSON.stringify(entry.target)} is outside the scanned folder and was not scanned`);
  }
  if (entry.resolved === undefined) {
    return reportDocument("symlink", doc, { ...base, notes: [`Symlink to ${JSON.stringify(entry.target)} inside the scanned folder: its target does not exist, so nothing is read through it.`] });
  }
  return reportDocument("symlink", doc, { ...base, notes: [`Symlink to ${JSON.stringify(entry.target)} inside the scanned folder: its target is scanned in place.`] });
}

function errorReport(path: string, code: string, message: string): FileReport {
  const errors = [{ code, message, location: {} }];
  return { path, verdict: verdictOf([], errors), formats: [], findings: [], errors, notes: [] };
}

/** `ENOENT: no such file or directory, open 'x'` -> `no such file or directory` (the path is in the report already). */
function systemReason(error: unknown): string {
  const message = (error as Error).message;
  return /^E[A-Z]+: (.*?), \w+ '.*'$/s.exec(message)?.[1] ?? message;
}
