import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import { createRequire } from "node:module";
import { ByteSourceError } from "../core/byte-source.js";
import { summarize, verdictOf, type FileReport, type ScanReport } from "../core/finding.js";
import type { Limits } from "../core/limits.js";
import { reportDocument, scanSource } from "../engine/scan.js";
import type { Policy } from "../policy/policy.js";
import type { SymlinkDocument } from "../rules/filesystem/fs001-symlink-escape.js";
import type { OnnxDocument } from "../formats/onnx/types.js";
import { availableParallelism } from "node:os";
import { FileSource } from "./file-source.js";
import { POOL_AVAILABLE, ScanPool } from "./scan-pool.js";
import { checkOnnxExternalFiles } from "./onnx-external.js";
import { walk, type WalkEntry } from "./walk.js";

export const VERSION: string = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;

export interface ScanPathsOptions {
  policy: Policy;
  limits?: Partial<Limits>;
  /** Files scanned at once; reads are positional, so this mostly overlaps I/O waits. */
  concurrency?: number;
  onProgress?: (done: number, total: number, path: string) => void;
  /**
   * Scan files on worker threads (default true where the compiled worker exists): in parallel
   * across cores, each under a heap cap and a hard time limit, so one hostile file costs only its
   * own verdict.
   */
  isolate?: boolean;
}

/** A path the user named does not exist or cannot be read at all: a usage error, not a finding. */
export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PathError";
  }
}

/**
 * Scans files and folders. Folders are walked recursively; every regular file is sniffed by
 * content. Report paths are as given, or `<dir>/<relative path>` inside a folder argument.
 *
 * @example
 * const report = await scanPaths(["models/"], { policy: defaultPolicy() });
 */
export async function scanPaths(paths: readonly string[], options: ScanPathsOptions): Promise<ScanReport> {
  const entries: WalkEntry[] = [];
  /** The folder argument each entry was found under (its own folder for a file argument). */
  const roots = new Map<WalkEntry, string>();
  for (const given of paths) {
    let info;
    try {
      info = await stat(given);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new PathError(`cannot scan ${JSON.stringify(given)}: ${code === "ENOENT" ? "no such file or directory" : (error as Error).message}`);
    }
    if (info.isDirectory()) {
      const shown = given.replace(/[\\/]+$/, "") || given;
      for await (const entry of walk(given, shown)) {
        entries.push(entry);
        roots.set(entry, given);
      }
    } else if (info.isFile()) {
      const entry: WalkEntry = { kind: "file", path: given, absolute: given };
      entries.push(entry);
      roots.set(entry, dirname(given));
    } else {
      entries.push({ kind: "special", path: given, absolute: given, what: "special file" });
    }
  }

  const files: FileReport[] = new Array<FileReport>(entries.length);
  const fileCount = entries.filter((e) => e.kind === "file").length;
  const pool = (options.isolate ?? true) && POOL_AVAILABLE && fileCount > 0 ? new ScanPool({ policyLayers: options.policy.layers, limits: options.limits, size: Math.min(availableParallelism(), fileCount) }) : undefined;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const index = next++;
      const entry = entries[index] as WalkEntry;
      const root = roots.get(entry) ?? dirname(entry.absolute);
      files[index] = pool && entry.kind === "file" ? await pool.scan({ entry, root }) : await scanEntry(entry, options, root);
      options.onProgress?.(++done, entries.length, entry.path);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? Math.max(4, availableParallelism()), entries.length));
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await pool?.close();
  }
  return { schemaVersion: 1, tool: { name: "modelvet", version: VERSION }, files, summary: summarize(files) };
}

/** Scans one walk entry in this thread (the worker threads of `ScanPool` call it too). */
export async function scanEntry(entry: WalkEntry, options: Pick<ScanPathsOptions, "policy" | "limits">, root: string): Promise<FileReport> {
  const base = { policy: options.policy, limits: options.limits, path: entry.path };
  switch (entry.kind) {
    case "symlink": {
      const doc: SymlinkDocument = { format: "symlink", target: entry.target, resolved: entry.resolved, escapes: entry.escapes };
      if (!entry.escapes) {
        return reportDocument("symlink", doc, { ...base, notes: [`Symlink to ${JSON.stringify(entry.target)} inside the scanned folder: its target is scanned in place.`] });
      }
      // Fail closed: what a loader would read through this link was not scanned.
      const report = reportDocument("symlink", doc, { ...base, notes: ["To scan a Hugging Face cache snapshot, scan the repository folder (models--org--name/) so the blobs the links point to are inside it."] });
      report.errors.push({ code: "not-followed", message: `Symlink target ${JSON.stringify(entry.target)} is outside the scanned folder and was not scanned`, location: {} });
      report.verdict = verdictOf(report.findings, report.errors);
      return report;
    }
    case "special":
      return errorReport(entry.path, "not-a-file", `Not a regular file (${entry.what}); not scanned`);
    case "unreadable":
      return errorReport(entry.path, "io-error", `Cannot read: ${entry.message}`);
    case "file":
      break;
  }
  let source: FileSource;
  try {
    source = await FileSource.open(entry.absolute);
  } catch (error) {
    return errorReport(entry.path, "io-error", `Cannot open: ${(error as Error).message}`);
  }
  try {
    const onnx: OnnxDocument[] = [];
    const report = await scanSource(source, {
      ...base,
      onDocument: (view, member) => {
        if (member === undefined && view.format === "onnx") onnx.push(view.document as OnnxDocument);
      },
    });
    for (const doc of onnx) {
      for (const fact of await checkOnnxExternalFiles({ absolute: entry.absolute, shown: entry.path }, doc, root)) {
        report.findings.push(...reportDocument("onnx-external-file", fact, base).findings);
      }
    }
    report.verdict = verdictOf(report.findings, report.errors);
    return report;
  } catch (error) {
    const code = error instanceof ByteSourceError ? "io-error" : "internal-error";
    return errorReport(entry.path, code, `Scanner failed: ${(error as Error).message}`);
  } finally {
    await source.close();
  }
}

function errorReport(path: string, code: string, message: string): FileReport {
  const errors = [{ code, message, location: {} }];
  return { path, verdict: verdictOf([], errors), formats: [], findings: [], errors, notes: [] };
}
