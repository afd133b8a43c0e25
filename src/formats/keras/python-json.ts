import { toPlain, type PlainJson } from "../json/plain.js";
import { parseJson, PYTHON_JSON } from "../json/reader.js";
import { MAX_KERAS_CONFIG_DEPTH, MAX_KERAS_CONFIG_NODES } from "./limits.js";

export type JsonParse = { ok: true; value: PlainJson } | { ok: false; error: string; limit?: string };

/**
 * Parses a Keras config as Keras does (`json.loads`): the shared Python-compatible reader, so
 * `NaN`/`Infinity` (which `json.dumps` writes for floats) are numbers and the last duplicate key
 * wins. Nesting and size past the Keras limits are a named-limit failure, not a partial value.
 *
 * @example
 * parsePythonJson('{"a": NaN}'); // { ok: true, value: { a: NaN } }
 */
export function parsePythonJson(text: string): JsonParse {
  const parsed = parseJson(new TextEncoder().encode(text), { ...PYTHON_JSON, maxDepth: MAX_KERAS_CONFIG_DEPTH, maxNodes: MAX_KERAS_CONFIG_NODES });
  if (parsed.ok) return { ok: true, value: toPlain(parsed.value) };
  const error = `${parsed.message} at byte ${parsed.offset}`;
  if (parsed.code === "depth") return { ok: false, error, limit: "MAX_KERAS_CONFIG_DEPTH" };
  if (parsed.code === "nodes") return { ok: false, error, limit: "MAX_KERAS_CONFIG_NODES" };
  return { ok: false, error };
}
