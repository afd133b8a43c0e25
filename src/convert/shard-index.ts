/** Longest index file read (CWE-770): a weight map of a million names is a few tens of MB. */
export const MAX_INDEX_BYTES = 64 * 1024 * 1024;
/** Shard files one index may name (CWE-770). */
export const MAX_SHARDS = 10_000;

export interface ShardIndexPlan {
  /** Source shard file name -> safetensors shard file name, in first-seen order. */
  shards: Map<string, string>;
  /** The new index, as JSON text (weight_map renamed, everything else kept). */
  indexJson: string;
}

/**
 * Reads a Hugging Face `pytorch_model.bin.index.json` and plans the safetensors shards the way
 * Hugging Face's convert.py `convert_multi` does: same layout, each shard renamed
 * (`pytorch_model-00001-of-00002.bin` -> `model-00001-of-00002.safetensors`). Shard names must be
 * plain file names in the index's folder: a name with a path separator or `..` is refused.
 */
export function shardIndexPlan(text: string): { ok: true; value: ShardIndexPlan } | { ok: false; message: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `The index is not valid JSON (${(error as Error).message})` };
  }
  if (!isRecord(data) || !isRecord(data.weight_map)) return { ok: false, message: "The index has no weight_map object" };
  const shards = new Map<string, string>();
  const newMap: Record<string, string> = {};
  for (const [name, file] of Object.entries(data.weight_map)) {
    if (typeof file !== "string") return { ok: false, message: `weight_map[${JSON.stringify(name)}] is not a file name` };
    if (!plainFileName(file)) return { ok: false, message: `Shard ${JSON.stringify(file)} is not a plain file name in the index's folder` };
    let renamed = shards.get(file);
    if (renamed === undefined) {
      if (shards.size >= MAX_SHARDS) return { ok: false, message: `The index names more than ${MAX_SHARDS} shards (MAX_SHARDS)` };
      renamed = renameShard(file);
      shards.set(file, renamed);
    }
    newMap[name] = renamed;
  }
  return { ok: true, value: { shards, indexJson: `${JSON.stringify({ ...data, weight_map: newMap }, null, 4)}\n` } };
}

/** convert.py `rename`: swap the extension for .safetensors, then "pytorch_model" -> "model". */
export function renameShard(file: string): string {
  const dot = file.lastIndexOf(".");
  const stem = dot > 0 ? file.slice(0, dot) : file;
  return `${stem}.safetensors`.replaceAll("pytorch_model", "model");
}

function plainFileName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[/\\\0:]/.test(name) && name !== "." && name !== "..";
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
