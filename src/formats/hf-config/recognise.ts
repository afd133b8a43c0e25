import { lookup, walkConfig, type ConfigNode } from "./config-tree.js";
import type { ConfigRole } from "./types.js";

/**
 * `config.json`, `tokenizer_config.json`, `safe_config.json`, `chat_template.json`,
 * `model.safetensors.index.json`: `config` or `chat_template` in the run of `[\w.-]` characters
 * that ends the name in `.json`, or a name ending `.index.json`. Written as a loop because
 * `/(?:config|chat_template)[\w.-]*\.json$/` rescans the tail from every `config` (quadratic on a
 * member name of many `config` repeats).
 */
export function isConfigFileName(name: string): boolean {
  const lower = name.toLowerCase();
  if (!lower.endsWith(".json")) return false;
  if (lower.endsWith(".index.json")) return true;
  let start = lower.length - 5;
  while (start > 0 && NAME_CHAR.test(lower[start - 1] as string)) start--;
  const run = lower.slice(start, lower.length - 5);
  return run.includes("config") || run.includes("chat_template");
}

const NAME_CHAR = /^[\w.-]$/;

/**
 * Keys that make a JSON object a configuration some loader acts on. Any one of them, anywhere in
 * the tree, is enough; a JSON file with none (a dataset, a vocabulary) is not a config.
 */
export const MARKER_KEYS: readonly string[] = [
  "model_type",
  "architectures",
  "auto_map",
  "custom_pipelines",
  "chat_template",
  "weight_map",
  "tokenizer_class",
  "transformers_version",
  "_name_or_path",
  "_attn_implementation",
  "_attn_implementation_internal",
  "attn_implementation",
  "_target_",
  "_component_",
  "index_name",
  "peft_type",
  "base_model_name_or_path",
];

const MARKER_SET: ReadonlySet<string> = new Set(MARKER_KEYS);

/** True when any marker key appears, quoted, in the bytes (a cheap test before parsing). */
export function hasMarkerText(text: string): boolean {
  return MARKER_KEYS.some((key) => text.includes(`"${key}"`));
}

/** True when a marker key is a key somewhere in the parsed tree. */
export function hasMarkerKey(root: ConfigNode): boolean {
  for (const { key } of walkConfig(root)) if (key !== undefined && MARKER_SET.has(key)) return true;
  return false;
}

/** The role of a JSON config, from its name first and its keys second. */
export function roleOf(name: string, root: ConfigNode): ConfigRole {
  const lower = name.toLowerCase();
  if (lookup(root, "weight_map")?.kind === "map" || lower.endsWith(".index.json")) return "sharded-index";
  if (lower === "chat_template.json") return "chat-template";
  if (lower === "tokenizer_config.json" || lookup(root, "tokenizer_class") !== undefined || lookup(root, "added_tokens_decoder") !== undefined) return "tokenizer-config";
  if (/processor_config\.json$/.test(lower)) return "processor-config";
  if (lower === "generation_config.json") return "generation-config";
  if (lookup(root, "peft_type") !== undefined) return "adapter-config";
  if (lower === "config.json" || lookup(root, "model_type") !== undefined || lookup(root, "architectures") !== undefined) return "model-config";
  return "config";
}
