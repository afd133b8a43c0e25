import { defect } from "../../core/defect.js";
import type { FormatAnalysis, FormatHandler, ScanContext } from "../../core/handler.js";
import type { ByteSource } from "../../core/byte-source.js";
import { lookup } from "./config-tree.js";
import { firstContentByte, readBytes } from "./read-bytes.js";
import { hasMarkerKey, isConfigFileName, hasMarkerText, roleOf } from "./recognise.js";
import { HF_CONFIG_FORMAT, hfConfigSniffer } from "./sniff.js";
import { parseJson, PYTHON_JSON } from "../json/reader.js";
import { findTemplates } from "./templates.js";
import type { ConfigDocument } from "./types.js";

export { HF_CONFIG_FORMAT };

/** Largest config parsed (CWE-400): tokenizer configs with large added-token tables reach tens of MB. */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;
/** Largest JSON parsed just to learn whether it is a config at all (CWE-400): datasets and vocabularies are bigger. */
export const MAX_UNNAMED_JSON_BYTES = 8 * 1024 * 1024;
/** Nesting of a config (CWE-674); real configs nest fewer than 10 levels. */
export const MAX_CONFIG_DEPTH = 128;
/** Values in one config (CWE-770). */
export const MAX_CONFIG_NODES = 4_000_000;

/**
 * Hugging Face JSON configs: `config.json`, `tokenizer_config.json`, `chat_template.json`,
 * processor and generation configs, sharded-checkpoint indexes, and any JSON object carrying a
 * key that loaders act on (`auto_map`, `_target_`, `chat_template` ...). Other JSON is not a
 * model format and is left alone.
 *
 * @example
 * const analysis = await hfConfigHandler.analyze(new MemorySource(bytes), ctx);
 */
export const hfConfigHandler: FormatHandler = {
  ...hfConfigSniffer,
  analyze: analyzeConfig,
};

async function analyzeConfig(source: ByteSource, ctx: ScanContext): Promise<FormatAnalysis | undefined> {
  const head = await readBytes(source, 0, Math.min(source.size, 4096));
  if (head[firstContentByte(head)] !== 0x7b) return undefined;
  const named = isConfigFileName(ctx.name);
  const vouched = named || hasMarkerText(new TextDecoder("utf-8").decode(head));
  if (source.size > (vouched ? MAX_CONFIG_BYTES : MAX_UNNAMED_JSON_BYTES)) {
    if (!vouched) return undefined;
    const document: ConfigDocument = { name: ctx.name, role: "config", roots: [], duplicates: [], templates: [], strayTemplates: [] };
    const d = defect("limit-exceeded", `Config of ${source.size} bytes is larger than ${MAX_CONFIG_BYTES}; not scanned`, { limit: "MAX_CONFIG_BYTES" });
    return { format: HF_CONFIG_FORMAT, document, defects: [d] };
  }
  const bytes = await readBytes(source, 0, source.size);
  if (!vouched && !hasMarkerText(new TextDecoder("utf-8").decode(bytes))) return undefined;
  const parsed = parseJson(bytes, { ...PYTHON_JSON, maxDepth: MAX_CONFIG_DEPTH, maxNodes: MAX_CONFIG_NODES });
  if (!parsed.ok) {
    if (!vouched) return undefined;
    const document: ConfigDocument = { name: ctx.name, role: "config", roots: [], duplicates: [], templates: [], strayTemplates: [] };
    const limited = parsed.code === "depth" || parsed.code === "nodes";
    // Cut off mid-value: the file we were given is not the file anyone wrote, so it was not checked.
    const truncated = !limited && parsed.offset >= bytes.length;
    const d = limited
      ? defect("limit-exceeded", `Config not scanned: ${parsed.message}`, { offset: parsed.offset, limit: parsed.code === "depth" ? "MAX_CONFIG_DEPTH" : "MAX_CONFIG_NODES" })
      : truncated
        ? defect("config-truncated", `Config ends inside a JSON value (${parsed.message} at byte ${parsed.offset}); it was not checked`, { offset: parsed.offset })
        : defect("config-invalid-json", `Config is not valid JSON (${parsed.message} at byte ${parsed.offset}); loaders reject it too`, { offset: parsed.offset, fatal: false });
    return { format: HF_CONFIG_FORMAT, document, defects: [d], notes: limited || truncated ? [] : [`${ctx.name} is not valid JSON; nothing in it can load.`] };
  }
  const root = parsed.value;
  const markers = hasMarkerKey(root);
  if (!named && !markers) return undefined;
  // A Keras model config (`class_name` + `config` at the top) belongs to the Keras handler.
  if (!markers && lookup(root, "class_name") !== undefined && lookup(root, "config") !== undefined) return undefined;
  const found = findTemplates([root]);
  const document: ConfigDocument = {
    name: ctx.name,
    role: roleOf(ctx.name, root),
    roots: [root],
    duplicates: parsed.duplicates,
    templates: found.paths,
    strayTemplates: found.stray,
  };
  return { format: HF_CONFIG_FORMAT, document, defects: [], members: found.members };
}
