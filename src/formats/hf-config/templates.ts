import { MemorySource } from "../../core/byte-source.js";
import type { Member } from "../../core/handler.js";
import { analyzeTemplate } from "../jinja/analyze.js";
import { CHAT_TEMPLATE_FORMAT } from "../jinja/sniff.js";
import { childPath, lookupString, walkConfig, type ConfigNode, type ConfigString } from "./config-tree.js";
import type { StrayTemplate } from "./types.js";

/** Template-shaped strings outside `chat_template` keys analysed per file (CWE-400). */
export const MAX_STRAY_TEMPLATES = 32;
/** Longest such string analysed (CWE-400); longer ones are prose or data, not templates. */
const MAX_STRAY_TEMPLATE_CHARS = 256 * 1024;

/** Keys whose values transformers, llama.cpp and friends render as chat templates. */
const TEMPLATE_KEY = /^chat_template(?:[._-][\w.-]+)?$/i;

export interface FoundTemplates {
  members: Member[];
  paths: string[];
  stray: StrayTemplate[];
}

/**
 * Chat templates in a config tree: `chat_template` as a string, a `{name: template}` map or a
 * list of `{name, template}` (tokenizer_config.json), handed down as `chat-template` members.
 * Template-shaped strings elsewhere are analysed here, since no loader renders them: a payload
 * there is a fact to report, not a load-time threat.
 */
export function findTemplates(roots: readonly ConfigNode[]): FoundTemplates {
  const claimed = new Set<ConfigString>();
  const members: Member[] = [];
  const paths: string[] = [];
  const claim = (node: ConfigString, path: string): void => {
    if (claimed.has(node)) return;
    claimed.add(node);
    paths.push(path);
    members.push({ path, source: new MemorySource(new TextEncoder().encode(node.value)), forceFormat: CHAT_TEMPLATE_FORMAT });
  };
  for (const root of roots) {
    for (const { node, path, key } of walkConfig(root)) {
      if (key === undefined || !TEMPLATE_KEY.test(key)) continue;
      if (node.kind === "string") claim(node, path);
      else if (node.kind === "map") {
        for (const entry of node.entries) if (entry.value.kind === "string") claim(entry.value, childPath(path, entry.key));
      } else if (node.kind === "list") {
        node.items.forEach((item, i) => {
          if (item.kind === "string") claim(item, `${path}[${i}]`);
          const template = item.kind === "map" ? lookupTemplate(item) : undefined;
          if (template) claim(template, childPath(path, lookupString(item, "name") ?? String(i)));
        });
      }
    }
  }
  return { members, paths, stray: strayTemplates(roots, claimed) };
}

function lookupTemplate(item: ConfigNode): ConfigString | undefined {
  if (item.kind !== "map") return undefined;
  for (let i = item.entries.length - 1; i >= 0; i--) {
    const entry = item.entries[i];
    if (entry?.key === "template" && entry.value.kind === "string") return entry.value;
  }
  return undefined;
}

function strayTemplates(roots: readonly ConfigNode[], claimed: ReadonlySet<ConfigString>): StrayTemplate[] {
  const out: StrayTemplate[] = [];
  let analysed = 0;
  for (const root of roots) {
    for (const { node, path } of walkConfig(root)) {
      if (node.kind !== "string" || claimed.has(node) || !looksLikeTemplate(node.value)) continue;
      if (analysed++ >= MAX_STRAY_TEMPLATES) return out;
      const analysis = analyzeTemplate(node.value);
      if (analysis.signals.length > 0) out.push({ path, parsed: analysis.parsed, signals: analysis.signals });
    }
  }
  return out;
}

/** A string with a Jinja expression or statement tag in it. */
export function looksLikeTemplate(value: string): boolean {
  return value.length <= MAX_STRAY_TEMPLATE_CHARS && (value.includes("{{") || value.includes("{%"));
}
