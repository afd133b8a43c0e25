/**
 * A format-neutral tree for parsed configuration files (JSON and YAML). Maps keep every entry in
 * file order, duplicates included, so rules see what any reader might pick; lookups follow
 * Python's `json` and PyYAML (the last duplicate wins).
 */
export type ConfigNode = ConfigString | ConfigNumber | ConfigBool | ConfigNull | ConfigMap | ConfigList;

interface Located {
  /** Byte offset in the file (JSON) when known. */
  offset?: number;
  /** YAML tag as resolved by the parser (`tag:yaml.org,2002:python/object/apply:os.system`). */
  tag?: string;
}

export interface ConfigString extends Located {
  kind: "string";
  value: string;
}

export interface ConfigNumber extends Located {
  kind: "number";
  value: number;
  /** The number as written, for exact integers beyond 2^53. */
  raw: string;
}

export interface ConfigBool extends Located {
  kind: "bool";
  value: boolean;
}

export interface ConfigNull extends Located {
  kind: "null";
}

export interface ConfigEntry {
  key: string;
  value: ConfigNode;
  /** Offset of the key. */
  offset?: number;
}

export interface ConfigMap extends Located {
  kind: "map";
  entries: ConfigEntry[];
}

export interface ConfigList extends Located {
  kind: "list";
  items: ConfigNode[];
}

/** A node met while walking, with its path (`auto_map.AutoModel`, `chat_template[1].template`). */
export interface Visit {
  node: ConfigNode;
  path: string;
  /** Key of the entry holding the node (undefined for list items and roots). */
  key: string | undefined;
  /** Map holding the entry, when the node is a map value. */
  parent: ConfigMap | undefined;
}

const IDENTIFIER = /^[A-Za-z_][\w-]*$/;

/** Appends a key to a display path. */
export function childPath(path: string, key: string): string {
  const part = IDENTIFIER.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (path === "") return part;
  return part.startsWith("[") ? `${path}${part}` : `${path}.${part}`;
}

/**
 * Every node below `root`, depth first, each container once (YAML aliases make the tree a graph,
 * and walking an alias bomb node by node is the attack). Iterative: depth is bounded by the
 * parsers, but a walk should not depend on that.
 */
export function* walkConfig(root: ConfigNode, rootPath = ""): Generator<Visit> {
  const seen = new Set<ConfigNode>();
  const stack: Visit[] = [{ node: root, path: rootPath, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const visit = stack.pop() as Visit;
    yield visit;
    const { node, path } = visit;
    if (node.kind !== "map" && node.kind !== "list") continue;
    if (seen.has(node)) continue;
    seen.add(node);
    if (node.kind === "map") {
      for (let i = node.entries.length - 1; i >= 0; i--) {
        const entry = node.entries[i] as ConfigEntry;
        stack.push({ node: entry.value, path: childPath(path, entry.key), key: entry.key, parent: node });
      }
    } else {
      for (let i = node.items.length - 1; i >= 0; i--) {
        stack.push({ node: node.items[i] as ConfigNode, path: `${path}[${i}]`, key: undefined, parent: undefined });
      }
    }
  }
}

/** Every string value below `root` with its path and key. */
export function* walkStrings(root: ConfigNode, rootPath = ""): Generator<Visit & { node: ConfigString }> {
  for (const visit of walkConfig(root, rootPath)) {
    if (visit.node.kind === "string") yield visit as Visit & { node: ConfigString };
  }
}

/** The value of `key` in a map, last duplicate winning (Python `json`, PyYAML). */
export function lookup(node: ConfigNode | undefined, key: string): ConfigNode | undefined {
  if (node?.kind !== "map") return undefined;
  for (let i = node.entries.length - 1; i >= 0; i--) {
    const entry = node.entries[i] as ConfigEntry;
    if (entry.key === key) return entry.value;
  }
  return undefined;
}

/** The string value of `key`, if it is a string. */
export function lookupString(node: ConfigNode | undefined, key: string): string | undefined {
  const value = lookup(node, key);
  return value?.kind === "string" ? value.value : undefined;
}

/** Strings directly in a node: the string itself, or the strings of a list (`auto_map` lists). */
export function stringsOf(node: ConfigNode): ConfigString[] {
  if (node.kind === "string") return [node];
  if (node.kind === "list") return node.items.filter((item): item is ConfigString => item.kind === "string");
  return [];
}
