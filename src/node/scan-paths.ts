import type { Stats } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { dirname, sep } from "node:path";
import { ByteSourceError } from "../core/byte-source.js";
import { safeLine } from "../core/safe-text.js";
import { summarize, verdictOf, type FileReport, type ScanReport } from "../core/finding.js";
import type { Limits } from "../core/limits.js";
import type { Policy } from "../policy/policy.js";
import type { Rule } from "../rules/types.js";
import { defaultPolicy } from "../policy/default.js";
import { excludePredicate, type ExcludePredicate } from "./exclude.js";
import type { SymlinkDocument } from "../rules/filesystem/fs001-symlink-escape.js";
import type { OnnxDocument } from "../formats/onnx/types.js";
import { availableParallelism } from "node:os";
import { FileSource, FileSourceError } from "./file-source.js";
import { MAX_BATCH_FILES, POOL_AVAILABLE, ScanPool } from "./scan-pool.js";
import { scansInThread } from "./scan-worker-spawn.js";
import type { FolderSource, ScannedFile } from "./folder-pass.js";
import { binary, displayPath, fromBinary, toOsPath, type OsPath } from "./os-path.js";
import { PathError } from "./path-error.js";
import { VERSION } from "./version.js";
import { walk, type WalkEntry } from "./walk.js";
import { absoluteBinary, hashFile, sameStamp, stampAt } from "./file-digest.js";
import type { FileDigest, VerdictCache } from "./verdict-cache.js";

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
  /**
   * `--cache DIR`: verdicts of files already judged (same bytes, name, policy, limits, version)
   * are taken from it instead of scanning again, and fresh complete verdicts are added to it.
   */
  cache?: VerdictCache;
  /** Put the SHA-256 of every regular file in its report (`sha256`); always on with `cache`. */
  digests?: boolean;
  /** Worker threads when isolated (default: the cores available, at most one per file). */
  workers?: number;
}


/**
 * The scanner itself (engine, sniffers, rules), loaded on first use: when workers scan, this
 * thread only walks, hands out files and gathers reports, and never needs it (issue 14: the
 * main thread of a pooled folder scan loaded ~55 modules it did not run).
 */
let engine: Promise<typeof import("../engine/scan.js")> | undefined;
const loadEngine = (): Promise<typeof import("../engine/scan.js")> => (engine ??= import("../engine/scan.js"));

/** A path, scanned or not: what the report shows, and the bytes to open it by. */
type Given = string | Uint8Array;

export { IN_PROCESS_MAX_BYTES, scansInThread } from "./scan-worker-spawn.js";

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
  const isolate = (options.isolate ?? true) && POOL_AVAILABLE;
  const newPool = (): ScanPool => new ScanPool({ policyLayers: options.policy.layers, limits: options.limits, size: options.workers ?? availableParallelism() });
  let pool: ScanPool | undefined;
  // The workers load the scanner while the folders are walked: they start as soon as the walk has
  // found what scansInThread would not keep in this thread (a second file, or a large one), one
  // more with each file found, up to the pool's size.
  const found: (number | undefined)[] = [];
  let filesFound = 0;
  let decided = false;
  const wake = new Wakeup();
  const onFile = (size: number | undefined): void => {
    filesFound++;
    if (found.length <= 1) found.push(size);
    if (!isolate || scansInThread(found)) return;
    pool ??= newPool();
    pool.prewarm(filesFound);
    // Files are handed to the pool while the walk goes on (issue 14: listing 20,000 files takes
    // ~0.2 s, and workers that had loaded waited for all of it). Not with a cache: its own folder
    // is dropped from the entries once the walk is done, and must never be scanned.
    if (!options.cache && !decided) {
      decided = true;
      startConsumers();
    }
  };
  // The walk's listing and lstat calls are synchronous: while files are being scanned, it gives the
  // event loop a turn now and then, so that reports come in and the next batches go out.
  const breathe = (): Promise<void> => (decided ? new Promise((resolve) => setImmediate(resolve)) : Promise.resolve());
  const entryAdded = (entry: Entry): void => {
    entries.push(entry);
    // A slot per entry as it is found: reports arrive out of order, and writing far past the end
    // of an array would turn it into a slow sparse one.
    files.push(undefined);
    // Entries go out BREATHE_ENTRIES at a time, whether from a walk or from file arguments: handed
    // over one at a time, each would go to a worker alone (a batch of one), and the messages would
    // cost more than the scans.
    if (decided && entries.length % BREATHE_ENTRIES === 0) wake.notifyAll();
  };

  const files: (FileReport | undefined)[] = [];
  const sources: FolderSource[] = [];
  let next = 0;
  let done = 0;
  let walked = false;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (next >= entries.length || !decided) {
        if (walked && decided) return;
        await wake.wait();
        continue;
      }
      const index = next++;
      const entry = entries[index] as Entry;
      const scan = (): Promise<ScannedEntry> => (pool && entry.kind === "file" ? pool.scan({ entry }) : scanEntry(entry, options));
      const scanned = entry.kind === "file" && (options.cache || options.digests) ? scanWithDigest(entry, scan, options) : scan();
      const result = await scanned.catch((error: unknown): ScannedEntry => ({ report: errorReport(entry.path, "internal-error", `Scanner failed: ${(error as Error).message}`), sources: [] }));
      files[index] = result.report;
      sources.push(...result.sources);
      // The total is what the walk has found so far: it grows until the walk ends, never shrinks.
      options.onProgress?.(++done, entries.length, entry.path);
    }
  };
  // With the pool, enough files in flight to fill a batch for every worker and the next one; the
  // pool bounds the work, this bounds the waiting promises.
  const inFlight = (): number => (pool ? pool.size * MAX_BATCH_FILES * 2 : (options.concurrency ?? Math.max(4, availableParallelism())));
  const consumers: Promise<void>[] = [];
  const startConsumers = (): void => {
    const want = Math.max(1, walked ? Math.min(inFlight(), entries.length) : inFlight());
    while (consumers.length < want) consumers.push(worker());
  };
  try {
    try {
      for (const given of paths) {
        await entriesOf(given, { exclude, folderArgs, onFile, onEntry: entryAdded, breathe });
      }
    } finally {
      walked = true;
    }
    if (options.cache) {
      // Nothing was scanned yet (a cache holds the scans back until the walk is done).
      await dropCacheFiles(entries, options.cache.dir);
      files.length = entries.length;
    }
    const sizes = entries.flatMap((e) => (e.kind === "file" ? [e.size] : []));
    if (!isolate || scansInThread(sizes)) {
      // Files dropped after the walk (the cache's own folder) can leave one: it is scanned here.
      await pool?.close();
      pool = undefined;
    } else {
      pool ??= newPool();
      pool.limitTo(sizes.length);
    }
    decided = true;
    startConsumers();
    wake.notifyAll();
    await Promise.all(consumers);
  } finally {
    await pool?.close();
  }
  // The model is a folder: tie the Python its configs make loading import, and judge each folder.
  const scanned: ScannedFile[] = entries.flatMap((entry, i) => (entry.kind === "file" ? [{ shown: entry.path, absolute: textPath(entry.absolute), report: files[i] as FileReport }] : []));
  // Only folders and configs tie files together: a one-file scan loads no Python parser for it.
  const folders = folderArgs.length > 0 || sources.length > 0 ? await (await import("./folder-pass.js")).folderPass(scanned, sources, folderArgs, options.policy) : [];
  // Every slot is filled: each entry was taken by a scan loop, which always stores a report.
  const reports = files as FileReport[];
  const report: ScanReport = { schemaVersion: 1, tool: { name: "modelvet", version: VERSION }, files: reports, summary: summarize(reports) };
  if (folders.length > 0) report.folders = folders;
  return report;
}

/** A scanned entry: its report, and the documents that tie other files of its folder to the model. */
export interface ScannedEntry {
  report: FileReport;
  sources: FolderSource[];
  /** The verdict depends on other files too (an ONNX model's external data files): it is not cached. */
  readsOtherFiles?: boolean;
}

/**
 * Scans a file with its SHA-256: the cached verdict when there is one, else a scan whose verdict
 * is cached. The digest counts only if the file kept the stamp it had when it was hashed until
 * the scan ended: the same size, mtime and ctime mean the scan read the bytes that were hashed.
 * Files whose documents tie other files of the folder (MLmodel, config.json, an index) are scanned
 * every time: the folder pass needs their parsed documents, which the cache does not keep; they
 * are small. The folder pass itself always runs on the reports, cached or not.
 */
async function scanWithDigest(entry: Extract<Entry, { kind: "file" }>, scan: () => Promise<ScannedEntry>, options: { cache?: VerdictCache; digests?: boolean }): Promise<ScannedEntry> {
  const { cache } = options;
  const noFollow = !entry.named;
  // Without a wish for digests (--format cyclonedx), a big file whose scan reads a small share of it is scanned, not hashed.
  const looked = cache ? await cache.digest(entry.absolute, { noFollow, skipIfCheap: options.digests !== true }) : await hashFile(entry.absolute, { noFollow }).then((d) => d && { ...d, seenAt: Date.now(), fromIndex: false });
  if (looked === "cheap") return scan();
  const digest: FileDigest | undefined = looked;
  if (digest !== undefined && cache) {
    const hit = await cache.get(digest.sha256, entry.path);
    if (hit !== undefined) return { report: hit, sources: [] };
  }
  const result = await scan();
  await cache?.noteScanCost(entry.absolute, result.report);
  if (digest === undefined) return result;
  const now = await stampAt(entry.absolute, { noFollow });
  if (now === undefined || !sameStamp(now, digest.stamp)) return result;
  result.report.sha256 = digest.sha256;
  if (cache && result.sources.length === 0 && result.readsOtherFiles !== true) await cache.put(result.report, digest);
  return result;
}

/** The cache folder inside a scanned folder is not part of the model: its entries change as the scan runs. */
async function dropCacheFiles(entries: Entry[], cacheDir: string): Promise<void> {
  // Compared as latin1 strings of the bytes (see os-path.ts), under the given and the real path.
  const real = await realpath(cacheDir).catch(() => cacheDir);
  const dirs = [cacheDir, real].map((d) => absoluteBinary(Buffer.from(d, "utf8"))).map((d) => (d.endsWith(sep) ? d : d + sep));
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as Entry;
    const at = absoluteBinary(entry.absolute);
    if (!entry.named && dirs.some((dir) => at.startsWith(dir))) entries.splice(i, 1);
  }
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

interface EntriesOptions {
  exclude: ExcludePredicate;
  /** Folder arguments found, as shown in the report. */
  folderArgs: string[];
  /** Called for each regular file as it is found, with its size (before onEntry). */
  onFile: (size: number | undefined) => void;
  /** Called with each entry, in walk order. */
  onEntry: (entry: Entry) => void;
  /** Awaited every BREATHE_ENTRIES entries of a walk: lets the scans handed out go on. */
  breathe: () => Promise<void>;
}

/** Entries handed out together, and walked between two turns of the event loop, while files are scanned. */
const BREATHE_ENTRIES = 64;

/** Scan loops waiting for the walk to find more entries, or to end: woken together. */
class Wakeup {
  private waiting: (() => void)[] = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  notifyAll(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

/** What one path argument stands for: itself, everything in its folder, or an error entry. */
async function entriesOf(given: Given, { exclude, folderArgs, onFile, onEntry, breathe }: EntriesOptions): Promise<void> {
  const absolute = toOsPath(given);
  const shown = typeof given === "string" ? safeLine(given) : displayPath(given);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    onEntry({ ...unreadable(shown, absolute, error), root: fromBinary(dirname(binary(absolute))), named: true });
    return;
  }
  if (info.isFile()) {
    onFile(Number(info.size));
    onEntry({ kind: "file", path: shown, absolute, root: fromBinary(dirname(binary(absolute))), named: true, size: Number(info.size) });
    return;
  }
  // Never opened: opening a device can act on it (a tape rewinds), and a FIFO would block.
  if (!info.isDirectory()) {
    onEntry({ kind: "special", path: shown, absolute, what: specialKind(info), root: absolute, named: true });
    return;
  }
  const display = shown.replace(/[\\/]+$/, "") || shown;
  folderArgs.push(display);
  let count = 0;
  try {
    for await (const entry of walk(absolute, display, { exclude })) {
      if (entry.kind === "file") onFile(entry.size);
      onEntry({ ...entry, root: absolute, named: false });
      if (++count % BREATHE_ENTRIES === 0) await breathe();
    }
  } catch (error) {
    // The walk reports what it cannot read as entries; this is the root itself failing mid-way.
    onEntry({ ...unreadable(display, absolute, error), root: absolute, named: true });
  }
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
  const external = { reads: false };
  const report = await scanEntryReport(entry, options, sources, external);
  return external.reads ? { report, sources, readsOtherFiles: true } : { report, sources };
}

async function scanEntryReport(entry: Entry, options: { policy: Policy; limits?: Partial<Limits> }, sources: FolderSource[], external: { reads: boolean }): Promise<FileReport> {
  const base = { policy: options.policy, limits: options.limits, path: entry.path };
  switch (entry.kind) {
    case "symlink":
      return symlinkReport(entry, base, await loadEngine(), (await import("../rules/filesystem/index.js")).FILESYSTEM_RULES);
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
    const { scanSource } = await loadEngine();
    const report = await scanSource(source, {
      ...base,
      onDocument: (view, member) => {
        if (member === undefined && view.format === "onnx") onnx.push(view.document as OnnxDocument);
        if (member === undefined && (view.format === "mlflow-model" || view.format === "hf-config")) {
          sources.push({ shown: entry.path, absolute: textPath(entry.absolute), format: view.format, document: view.document });
        }
      },
    });
    if (onnx.length > 0) {
      external.reads = true;
      await checkOnnxExternal(report, onnx, entry, base);
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

/** An ONNX model's external data files, checked where they lie (loaded only for ONNX models). */
async function checkOnnxExternal(
  report: FileReport,
  onnx: readonly OnnxDocument[],
  entry: Extract<Entry, { kind: "file" }>,
  base: { policy: Policy; limits?: Partial<Limits>; path: string },
): Promise<void> {
  const { checkOnnxExternalFiles, ExternalFilesLimitError } = await import("./onnx-external.js");
  const { reportDocument } = await loadEngine();
  try {
    const rules = await (await import("../rules/families.js")).rulesForFormat("onnx-external-file");
    for (const doc of onnx) {
      for (const fact of await checkOnnxExternalFiles({ absolute: entry.absolute, shown: entry.path }, doc, { root: entry.root })) {
        report.findings.push(...reportDocument("onnx-external-file", fact, { ...base, rules }).findings);
      }
    }
  } catch (error) {
    // The report so far stands; the check that failed makes it incomplete, so it fails closed.
    if (error instanceof ExternalFilesLimitError) report.errors.push({ code: "limit-exceeded", message: `${error.message} (limit MAX_EXTERNAL_FILES)`, location: {} });
    else report.errors.push({ code: "internal-error", message: `Cannot check ONNX external data files: ${(error as Error).message}`, location: {} });
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

function symlinkReport(
  entry: Extract<WalkEntry, { kind: "symlink" }>,
  given: { policy: Policy; limits?: Partial<Limits>; path: string },
  { reportDocument }: typeof import("../engine/scan.js"),
  rules: readonly Rule[],
): FileReport {
  const base = { ...given, rules };
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
