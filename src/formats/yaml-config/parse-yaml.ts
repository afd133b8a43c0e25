import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document } from "yaml";
import { childPath, type ConfigEntry, type ConfigNode } from "../hf-config/config-tree.js";
import type { ConfigDuplicate } from "../hf-config/types.js";
import { MAX_YAML_NESTING, yamlNestingRefusal } from "./nesting.js";

export { MAX_YAML_NESTING };
/** Longest leading indentation accepted before parsing (CWE-674: the composer recurses per block level). */
export const MAX_YAML_INDENT = 1024;
/** Nodes the document would have with every alias expanded (CWE-776, "billion laughs"). */
export const MAX_YAML_EXPANDED_NODES = 10_000_000;
/** Tags recorded per file (CWE-770). */
const MAX_TAGS = 200;

/** Tags every YAML reader knows as plain data; any other tag asks a loader for more. */
const CORE_TAGS: ReadonlySet<string> = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq", "binary", "timestamp", "omap", "pairs", "set", "merge", "value", "yaml"].map((t) => `tag:yaml.org,2002:${t}`),
);

export interface YamlTag {
  /** The tag as resolved (`tag:yaml.org,2002:python/object/apply:os.system`, `!include`). */
  tag: string;
  path: string;
  offset?: number;
}

export interface ParsedYaml {
  roots: ConfigNode[];
  tags: YamlTag[];
  duplicates: ConfigDuplicate[];
  errors: string[];
  /** True when the `yaml` parser ran (false when a pre-check refused the text). */
  parsed: boolean;
  /** The named limit a pre-check refused the text for (fail closed: the handler reports it). */
  refusedLimit?: string;
  aliases: number;
  expandedNodes: number;
}

interface Converted {
  node: ConfigNode;
  /** Nodes this one stands for with aliases expanded. */
  size: number;
}

/**
 * Parses YAML with the `yaml` package (YAML 1.1, like PyYAML; no custom tags, so nothing is
 * constructed) into the shared config tree. Tags are recorded, not resolved; aliases become
 * shared nodes and their expanded size is counted instead of expanded.
 *
 * @example
 * parseYaml("a: !!python/object/apply:os.system ['id']").tags[0]?.tag;
 * // "tag:yaml.org,2002:python/object/apply:os.system"
 */
export function parseYaml(text: string): ParsedYaml {
  // Ranges are character offsets; they are byte offsets only for ASCII text.
  const ascii = !/[\u0080-\uffff]/.test(text);
  const result: ParsedYaml = { roots: [], tags: [], duplicates: [], errors: [], parsed: false, aliases: 0, expandedNodes: 0 };
  const refusal = precheck(text);
  if (refusal !== undefined) {
    result.errors.push(refusal.message);
    result.refusedLimit = refusal.limit;
    result.tags.push(...lexicalTags(text, ascii));
    return result;
  }
  result.parsed = true;
  const documents = parseAllDocuments(text, { version: "1.1", uniqueKeys: false, strict: false, prettyErrors: false, logLevel: "error" });
  const list: Document[] = Array.isArray(documents) ? documents : [];
  for (const doc of list) {
    for (const e of doc.errors) result.errors.push(e.message.split("\n")[0] ?? e.message);
    const converter = new Converter(result, ascii);
    const root = converter.convert(doc.contents, "", 0);
    result.expandedNodes += root.size;
    if (doc.contents !== null) result.roots.push(root.node);
  }
  if (result.errors.length > 0) {
    const known = new Set(result.tags.map((t) => t.tag));
    for (const t of lexicalTags(text, ascii)) if (!known.has(t.tag)) result.tags.push(t);
  }
  return result;
}

class Converter {
  private readonly memo = new Map<unknown, Converted>();
  private readonly anchors = new Map<string, Converted>();
  private readonly inProgress = new Set<unknown>();

  constructor(
    private readonly out: ParsedYaml,
    private readonly offsets: boolean,
  ) {}

  convert(node: unknown, path: string, depth: number): Converted {
    if (node === null || node === undefined) return { node: { kind: "null" }, size: 1 };
    if (isAlias(node)) {
      this.out.aliases++;
      const target = this.anchors.get(node.source);
      return target ?? { node: { kind: "null" }, size: 1 };
    }
    const cached = this.memo.get(node);
    if (cached) return cached;
    if (depth > MAX_YAML_NESTING || this.inProgress.has(node)) return { node: { kind: "null" }, size: 1 };
    this.inProgress.add(node);
    const converted = this.convertNode(node, path, depth);
    this.inProgress.delete(node);
    this.memo.set(node, converted);
    const anchor = (node as { anchor?: unknown }).anchor;
    if (typeof anchor === "string") this.anchors.set(anchor, converted);
    return converted;
  }

  private convertNode(node: unknown, path: string, depth: number): Converted {
    const tag = (node as { tag?: unknown }).tag;
    const offset = this.offsets ? rangeStart(node) : undefined;
    if (typeof tag === "string" && !CORE_TAGS.has(tag) && this.out.tags.length < MAX_TAGS) {
      this.out.tags.push(offset === undefined ? { tag, path } : { tag, path, offset });
    }
    if (isMap(node)) {
      const entries: ConfigEntry[] = [];
      const seen = new Set<string>();
      let size = 1;
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = this.convert(pair.key, path, depth + 1);
        const keyText = keyString(key.node);
        const value = this.convert(pair.value, childPath(path, keyText), depth + 1);
        size = saturatingAdd(size, key.size + value.size);
        const entryOffset = this.offsets ? rangeStart(pair.key) : undefined;
        if (seen.has(keyText)) this.out.duplicates.push(entryOffset === undefined ? { path, key: keyText } : { path, key: keyText, offset: entryOffset });
        seen.add(keyText);
        entries.push(entryOffset === undefined ? { key: keyText, value: value.node } : { key: keyText, value: value.node, offset: entryOffset });
      }
      return { node: withTag({ kind: "map", entries }, tag), size };
    }
    if (isSeq(node)) {
      let size = 1;
      const items = node.items.map((item, i) => {
        const c = this.convert(item, `${path}[${i}]`, depth + 1);
        size = saturatingAdd(size, c.size);
        return c.node;
      });
      return { node: withTag({ kind: "list", items }, tag), size };
    }
    if (isScalar(node)) return { node: withTag(scalarNode(node.value), tag), size: 1 };
    return { node: { kind: "null" }, size: 1 };
  }
}

function scalarNode(value: unknown): ConfigNode {
  if (typeof value === "string") return { kind: "string", value };
  if (typeof value === "number") return { kind: "number", value, raw: String(value) };
  if (typeof value === "bigint") return { kind: "number", value: Number(value), raw: value.toString() };
  if (typeof value === "boolean") return { kind: "bool", value };
  if (value === null || value === undefined) return { kind: "null" };
  if (value instanceof Uint8Array) return { kind: "string", value: `<binary ${value.length} bytes>` };
  if (value instanceof Date) return { kind: "string", value: Number.isNaN(value.getTime()) ? "<date>" : value.toISOString() };
  return { kind: "string", value: "<value>" };
}

function withTag<T extends ConfigNode>(node: T, tag: unknown): T {
  if (typeof tag === "string") node.tag = tag;
  return node;
}

function keyString(node: ConfigNode): string {
  switch (node.kind) {
    case "string":
      return node.value;
    case "number":
      return node.raw;
    case "bool":
      return String(node.value);
    case "null":
      return "null";
    default:
      return "<complex key>";
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: unknown } | null)?.range;
  return Array.isArray(range) && typeof range[0] === "number" ? range[0] : undefined;
}

function saturatingAdd(a: number, b: number): number {
  return Math.min(a + b, Number.MAX_SAFE_INTEGER);
}

/** Refuses text whose nesting would make the composer slow or overflow the stack. */
function precheck(text: string): { message: string; limit: string } | undefined {
  let indent = 0;
  for (const m of text.matchAll(/^ +/gm)) indent = Math.max(indent, m[0].length);
  if (indent > MAX_YAML_INDENT) return { message: `indentation of ${indent} spaces exceeds limit ${MAX_YAML_INDENT} (MAX_YAML_INDENT)`, limit: "MAX_YAML_INDENT" };
  const nesting = yamlNestingRefusal(text);
  return nesting === undefined ? undefined : { message: nesting, limit: "MAX_YAML_NESTING" };
}

/** Python tags spelled in the text, for YAML the parser could not read. */
function lexicalTags(text: string, offsets: boolean): YamlTag[] {
  const out: YamlTag[] = [];
  // `!!python/…`, the local `!python/…` some loaders register, and the verbatim `tag:yaml.org,2002:python/…`.
  const pattern = /!!?python\/[\w/]+(?::[\w.]+)?|tag:yaml\.org,2002:python\/[\w/]*(?::[\w.]+)?/g;
  for (const m of text.matchAll(pattern)) {
    const tag = m[0].startsWith("!!") ? `tag:yaml.org,2002:${m[0].slice(2)}` : m[0];
    if (out.length < MAX_TAGS && !out.some((t) => t.tag === tag)) out.push(offsets ? { tag, path: "(lexical)", offset: m.index } : { tag, path: "(lexical)" });
  }
  return out;
}
