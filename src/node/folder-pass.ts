import { open } from "node:fs/promises";
import { dirname, join, normalize, sep } from "node:path";
import { verdictOf, type FileReport, type FolderSummary, type FolderTie, type Verdict } from "../core/finding.js";
import { lookup, type ConfigNode } from "../formats/hf-config/config-tree.js";
import type { ConfigDocument } from "../formats/hf-config/types.js";
import type { MlflowModelDocument } from "../formats/mlflow/parse.js";
import type { Policy } from "../policy/policy.js";
import { codeRefs } from "../rules/hfconfig/auto-map.js";

/** Python files judged per scan (CWE-400): a model ships a handful; a code/ tree may hold more. */
const MAX_TIED_PYTHON_FILES = 2_000;
/** Folder summaries per report (CWE-770). */
const MAX_FOLDERS = 1_000;
/** Ties listed per folder summary (CWE-770); the Python findings carry the rest. */
const MAX_TIES_PER_FOLDER = 200;

/** A file whose document ties other files of its folder to the model: MLmodel, config.json, an index. */
export interface FolderSource {
  shown: string;
  absolute: string;
  format: "mlflow-model" | "hf-config";
  document: unknown;
}

/** Every scanned file: absolute path -> report path, and its report once scanned. */
export interface ScannedFile {
  shown: string;
  absolute: string;
  report: FileReport;
}

const VERDICT_RANK: Record<Verdict, number> = { clean: 0, error: 1, suspicious: 2, unsafe: 3 };

/**
 * The model is a folder: MLmodel `loader_module`/`code:` and config.json `auto_map` name the
 * Python files loading will import; an index names its shards. Tied Python files are parsed and
 * judged (PY001–PY003, findings added to their own file reports); each folder that holds a model
 * gets a verdict, the worst of its files, as the gate decides per model.
 */
export async function folderPass(scanned: readonly ScannedFile[], sources: readonly FolderSource[], folderArgs: readonly string[], policy: Policy): Promise<FolderSummary[]> {
  const byAbsolute = new Map(scanned.map((f) => [normalize(f.absolute), f]));
  const ties = new Map<string, FolderTie[]>();
  const python = new Map<string, { file: ScannedFile; why: string[] }>();
  const tie = (source: FolderSource, tied: FolderTie): void => {
    const dir = dirname(source.shown);
    const list = ties.get(dir) ?? [];
    if (list.length < MAX_TIES_PER_FOLDER) list.push(tied);
    ties.set(dir, list);
  };
  const tiePython = (source: FolderSource, absolute: string, why: string): void => {
    const file = byAbsolute.get(normalize(absolute));
    if (!file) return; // not in the scanned folder: outside it, or missing (the loader then fails)
    tie(source, { from: source.shown, to: file.shown, why });
    const entry = python.get(file.absolute) ?? { file, why: [] };
    if (!entry.why.includes(why)) entry.why.push(why);
    if (python.size < MAX_TIED_PYTHON_FILES || python.has(file.absolute)) python.set(file.absolute, entry);
  };

  for (const source of sources) {
    const dir = dirname(source.absolute);
    if (source.format === "mlflow-model") {
      for (const flavor of (source.document as MlflowModelDocument).flavors) {
        const loader = flavor.loaderModule !== undefined && !flavor.loaderModule.startsWith("mlflow.") ? flavor.loaderModule : undefined;
        const codeDir = flavor.code !== undefined ? join(dir, flavor.code) : undefined;
        const moduleFile = (base: string, module: string): string[] => [join(base, `${module.replace(/\./g, sep)}.py`), join(base, module.replace(/\./g, sep), "__init__.py")];
        if (codeDir !== undefined) {
          // Everything under code/ is on sys.path while the model loads; the loader module imports from it.
          for (const file of scanned) {
            if (file.absolute.startsWith(codeDir + sep) && file.absolute.endsWith(".py")) tiePython(source, file.absolute, `code path ${flavor.code} of flavour ${flavor.name} in ${source.shown}`);
          }
        }
        if (loader !== undefined) {
          for (const candidate of [...(codeDir ? moduleFile(codeDir, loader) : []), ...moduleFile(dir, loader)]) {
            tiePython(source, candidate, `loader_module ${loader} of flavour ${flavor.name} in ${source.shown}`);
          }
        }
      }
      continue;
    }
    const config = source.document as ConfigDocument;
    for (const ref of codeRefs(config.roots)) {
      if (ref.repo !== undefined) continue; // code from another repository: HFC002's finding, nothing local to read
      tiePython(source, join(dir, `${ref.module.replace(/\./g, sep)}.py`), `${ref.path} (${ref.reference}) in ${source.shown} with trust_remote_code`);
    }
    if (config.role === "sharded-index") for (const shard of shardsOf(config.roots)) tieShard(source, shard, byAbsolute, tie);
  }

  for (const { file, why } of python.values()) await judgePython(file, why, policy);

  return summarize(scanned, ties, [...folderArgs, ...sources.map((s) => dirname(s.shown))]);
}

function shardsOf(roots: readonly ConfigNode[]): string[] {
  const out = new Set<string>();
  for (const root of roots) {
    const map = lookup(root, "weight_map");
    if (map?.kind !== "map") continue;
    for (const entry of map.entries) if (entry.value.kind === "string") out.add(entry.value.value);
  }
  return [...out];
}

function tieShard(source: FolderSource, shard: string, byAbsolute: Map<string, ScannedFile>, tie: (s: FolderSource, t: FolderTie) => void): void {
  const file = byAbsolute.get(normalize(join(dirname(source.absolute), shard)));
  tie(source, file ? { from: source.shown, to: file.shown, why: "shard named by weight_map" } : { from: source.shown, to: shard, why: "shard named by weight_map, not in the scanned folder" });
}

async function judgePython(file: ScannedFile, why: string[], policy: Policy): Promise<void> {
  // Loaded here: the Python parser is large, and most folders tie no Python file (nor does this
  // thread need the engine when workers scanned the files).
  const [{ MAX_PYTHON_MODULE_BYTES, PYTHON_MODULE_FORMAT, analyzePython }, { reportDocument }, { rulesForFormat }] = await Promise.all([
    import("../formats/python/analyze.js"),
    import("../engine/scan.js"),
    import("../rules/families.js"),
  ]);
  const text = await readHead(file.absolute, MAX_PYTHON_MODULE_BYTES + 1);
  if (text === undefined) return;
  const document = analyzePython(text.text, { path: file.shown, tiedBy: why, size: text.size });
  const judged = reportDocument(PYTHON_MODULE_FORMAT, document, { policy, path: file.shown, rules: await rulesForFormat(PYTHON_MODULE_FORMAT) });
  const report = file.report;
  report.findings.push(...judged.findings);
  report.notes.push(`Runs when the model loads: ${why.slice(0, 3).join("; ")}${why.length > 3 ? ` (+${why.length - 3} more)` : ""}.`);
  if (!report.formats.includes(PYTHON_MODULE_FORMAT)) report.formats.push(PYTHON_MODULE_FORMAT);
  report.verdict = verdictOf(report.findings, report.errors);
}

async function readHead(absolute: string, max: number): Promise<{ text: string; size: number } | undefined> {
  const handle = await open(absolute, "r").catch(() => undefined);
  if (!handle) return undefined;
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.min(size, max));
    await handle.read(buffer, 0, buffer.length, 0);
    return { text: new TextDecoder("utf-8").decode(buffer), size };
  } finally {
    await handle.close();
  }
}

/** One summary per model folder: a folder argument or the folder of an MLmodel/config/index. */
function summarize(scanned: readonly ScannedFile[], ties: Map<string, FolderTie[]>, candidates: readonly string[]): FolderSummary[] {
  const out: FolderSummary[] = [];
  for (const folder of [...new Set(candidates)].sort()) {
    if (out.length >= MAX_FOLDERS) break;
    const inside = scanned.filter((f) => f.shown.startsWith(`${folder}/`));
    if (inside.length === 0) continue;
    let worst = inside[0] as ScannedFile;
    for (const f of inside) if (VERDICT_RANK[f.report.verdict] > VERDICT_RANK[worst.report.verdict]) worst = f;
    const summary: FolderSummary = { path: folder, verdict: worst.report.verdict, files: inside.length, ties: ties.get(folder) ?? [] };
    if (worst.report.verdict !== "clean") summary.worst = worst.shown;
    out.push(summary);
  }
  return out;
}
