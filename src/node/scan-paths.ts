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
import { FileSource } from "./file-source.js";
import { folderPass, type FolderSource, type ScannedFile } from "./folder-pass.js";
import { checkOnnxExternalFiles } from "./onnx-external.js";
import { walk, type WalkEntry } from "./walk.js";

export const VERSION: string = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;

export interface ScanPathsOptions {
  policy: Policy;
  limits?: Partial<Limits>;
  /** Files scanned at once; reads are positional, so this mostly overlaps I/O waits. */
  concurrency?: number;
  onProgress?: (done: number, total: number, path: string) => void;
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
  /** Folder arguments as shown in the report: each is a model folder with a verdict of its own. */
  const folderArgs: string[] = [];
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
      folderArgs.push(shown);
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
  const sources: FolderSource[] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const index = next++;
      const entry = entries[index] as WalkEntry;
      files[index] = await scanEntry(entry, options, roots.get(entry) ?? dirname(entry.absolute), sources);
      options.onProgress?.(++done, entries.length, entry.path);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, entries.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  // The model is a folder: tie the Python its configs make loading import, and judge each folder.
  const scanned: ScannedFile[] = entries.flatMap((entry, i) => (entry.kind === "file" ? [{ shown: entry.path, absolute: entry.absolute, report: files[i] as FileReport }] : []));
  const folders = await folderPass(scanned, sources, folderArgs, options.policy);
  const report: ScanReport = { schemaVersion: 1, tool: { name: "modelvet", version: VERSION }, files, summary: summarize(files) };
  if (folders.length > 0) report.folders = folders;
  return report;
}

async function scanEntry(entry: WalkEntry, options: ScanPathsOptions, root: string, sources: FolderSource[]): Promise<FileReport> {
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
        if (member === undefined && (view.format === "mlflow-model" || view.format === "hf-config")) {
          sources.push({ shown: entry.path, absolute: entry.absolute, format: view.format, document: view.document });
        }
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
