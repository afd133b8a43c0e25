import type { ConfigNode } from "../hf-config/config-tree.js";

/** A JSON value as Python's `json.loads` returns it (numbers as JS numbers, maps as plain objects). */
export type PlainJson = null | boolean | number | string | PlainJson[] | { [key: string]: PlainJson };

/**
 * The value Python would build from a parsed tree: duplicate keys resolve last-wins, in the
 * position of the first occurrence (a `dict` updated in place). Objects have no prototype, so a
 * `"__proto__"` key is an ordinary key, as it is in Python. Recursion is bounded by the reader's
 * `maxDepth`, which every caller sets.
 *
 * @example
 * toPlain(parsed.value); // { cells: [...], nbformat: 4 }
 */
export function toPlain(node: ConfigNode): PlainJson {
  switch (node.kind) {
    case "string":
    case "number":
    case "bool":
      return node.value;
    case "null":
      return null;
    case "list":
      return node.items.map(toPlain);
    case "map": {
      const out = Object.create(null) as { [key: string]: PlainJson };
      for (const entry of node.entries) out[entry.key] = toPlain(entry.value);
      return out;
    }
  }
}
