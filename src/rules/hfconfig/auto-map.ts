import { lookup, stringsOf, walkConfig, type ConfigNode } from "../../formats/hf-config/config-tree.js";

/** One class reference from `auto_map` or `custom_pipelines`. */
export interface CodeRef {
  /** Where it was found (`auto_map.AutoModel`). */
  path: string;
  /** As written (`modeling_x.XModel`, `org/repo--modeling_x.XModel`). */
  reference: string;
  /** Hub repository the code comes from, for cross-repo references. */
  repo?: string;
  /** Module file without `.py`. */
  module: string;
  className: string;
  offset?: number;
}

/**
 * Every remote-code reference: `auto_map` values (a string or a list of strings and nulls, in
 * config.json, tokenizer_config.json, processor configs) and `custom_pipelines.*.impl`.
 * transformers' `get_class_from_dynamic_module` splits `repo--module.Class` on `--`.
 */
export function codeRefs(roots: readonly ConfigNode[]): CodeRef[] {
  const out: CodeRef[] = [];
  for (const root of roots) {
    for (const { node, key, path } of walkConfig(root)) {
      if (key === "auto_map" && node.kind === "map") {
        for (const entry of node.entries) for (const s of stringsOf(entry.value)) out.push(parseRef(`${path}.${entry.key}`, s.value, s.offset));
      } else if (key === "custom_pipelines" && node.kind === "map") {
        for (const entry of node.entries) {
          const impl = lookup(entry.value, "impl");
          if (impl?.kind === "string") out.push(parseRef(`${path}.${entry.key}.impl`, impl.value, impl.offset));
        }
      }
    }
  }
  return out;
}

function parseRef(path: string, reference: string, offset: number | undefined): CodeRef {
  const split = reference.indexOf("--");
  const local = split >= 0 ? reference.slice(split + 2) : reference;
  const dot = local.lastIndexOf(".");
  const ref: CodeRef = { path, reference, module: dot > 0 ? local.slice(0, dot) : local, className: dot > 0 ? local.slice(dot + 1) : "" };
  if (split >= 0) ref.repo = reference.slice(0, split);
  if (offset !== undefined) ref.offset = offset;
  return ref;
}
