import { walkStrings, type ConfigString, type Visit } from "../../formats/hf-config/config-tree.js";
import { looksLikeTemplate } from "../../formats/hf-config/templates.js";
import type { ConfigDocument } from "../../formats/hf-config/types.js";
import type { Hit, RuleContext } from "../types.js";

/** Both config formats share the tree and these rules. */
export const CONFIG_FORMATS: readonly string[] = ["hf-config", "yaml-config"];

/** Hits per rule and file (CWE-770): a config with a thousand bad values needs a few examples. */
export const MAX_HITS_PER_RULE = 20;

/**
 * String values that are plain values: not chat templates (scanned as templates) and not
 * template-shaped (reported by HFC011).
 */
export function* plainStrings(doc: ConfigDocument): Generator<Visit & { node: ConfigString }> {
  const templates = new Set(doc.templates);
  for (const root of doc.roots) {
    for (const visit of walkStrings(root)) {
      if (templates.has(visit.path) || looksLikeTemplate(visit.node.value)) continue;
      yield visit;
    }
  }
}

/** A `report` that stops after `max` hits and says so once. */
export function capped(ctx: RuleContext, max = MAX_HITS_PER_RULE): (hit: Hit) => void {
  let count = 0;
  return (hit) => {
    count++;
    if (count <= max) ctx.report(hit);
    else if (count === max + 1) ctx.report({ message: `More than ${max} such values; the rest are not listed` });
  };
}

/** `"value"` shortened for messages. */
export function quote(value: string, max = 120): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max - 1)}…` : value);
}
