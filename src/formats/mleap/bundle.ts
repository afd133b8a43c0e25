import type { ByteSource } from "../../core/byte-source.js";
import type { ZipReadResult } from "../zip/index.js";

/** An MLeap bundle: `bundle.json` at the root and the model tree under `root/`. */
export interface MleapDocument {
  format: "mleap";
  /** Fields of bundle.json (`name`, `uid`, `format` json/protobuf, `version`, `timestamp`). */
  bundle: { name?: string; uid?: string; format?: string; version?: string; timestamp?: string };
  /** `root/model.json` or `root/model.pb`. */
  rootModel: string;
  /** `op` names of the JSON model files read (the MLeap op registry resolves them on the JVM). */
  ops: string[];
  /** Model files in the tree (`model.json` / `model.pb`), one per pipeline node. */
  models: number;
  /** JSON files that did not parse, or were too large to read. */
  unreadable: string[];
}

/** Largest bundle.json / model.json read (CWE-400): real ones are a few KiB. */
export const MAX_MLEAP_JSON_BYTES = 256 * 1024;
/** model.json files read for their op names (CWE-400). */
const MAX_MODEL_FILES = 256;
const ROOT_MODELS = ["root/model.json", "root/model.pb"];

/**
 * Recognises an MLeap bundle inside a zip (MLeap's `BundleFile` layout) and reads its manifest
 * and op names. The model's own data (coefficients, trees) is not interpreted.
 *
 * @example
 * const mleap = await detectMleap(await readZip(source, ctx));
 * mleap?.bundle.name; // "pipeline_7b2e…"
 */
export async function detectMleap(zip: ZipReadResult): Promise<MleapDocument | undefined> {
  const entries = zip.document.entries.filter((e) => e.central !== undefined && e.memberPath !== undefined);
  const bundleEntry = entries.find((e) => e.name === "bundle.json");
  const rootModel = ROOT_MODELS.find((name) => entries.some((e) => e.name === name));
  if (!bundleEntry || !rootModel) return undefined;
  const sources = new Map(zip.members.map((m) => [m.path, m.source]));
  const doc: MleapDocument = { format: "mleap", bundle: {}, rootModel, ops: [], models: 0, unreadable: [] };
  const bundle = await readJson(sources.get(bundleEntry.memberPath as string));
  if (bundle === undefined) doc.unreadable.push("bundle.json");
  else doc.bundle = pickStrings(bundle, ["name", "uid", "format", "version", "timestamp"]);
  const ops = new Set<string>();
  for (const e of entries) {
    if (!/(^|\/)model\.(json|pb)$/.test(e.name)) continue;
    doc.models++;
    if (!e.name.endsWith(".json") || doc.models > MAX_MODEL_FILES) continue;
    const model = await readJson(sources.get(e.memberPath as string));
    if (model === undefined) doc.unreadable.push(e.name);
    else if (typeof (model as { op?: unknown }).op === "string") ops.add((model as { op: string }).op);
  }
  doc.ops = [...ops].slice(0, 100);
  return doc;
}

async function readJson(source: ByteSource | undefined): Promise<unknown> {
  if (!source || source.size > MAX_MLEAP_JSON_BYTES) return undefined;
  const text = new TextDecoder("utf-8").decode(await source.read(0, source.size));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // JSON.parse reports bad input only by throwing
  }
}

function pickStrings(value: unknown, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== "object" || value === null) return out;
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === "string" || typeof v === "number") out[key] = String(v).slice(0, 200);
  }
  return out;
}
