export type JsonParse = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Parses JSON as Python's `json` module writes it: bare `NaN`, `Infinity` and `-Infinity`
 * (which `json.dumps` emits for floats) become null so the rest of the config still parses.
 * `JSON.parse` reports bad input only by throwing, so that one call is wrapped.
 *
 * @example
 * parsePythonJson('{"a": NaN}'); // { ok: true, value: { a: null } }
 */
export function parsePythonJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(replaceNonFinite(text)) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Replaces NaN/Infinity tokens outside strings; strings are copied as they are. */
function replaceNonFinite(text: string): string {
  if (!/NaN|Infinity/.test(text)) return text;
  let out = "";
  let i = 0;
  let copyFrom = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i++;
      continue;
    }
    const token = text.startsWith("-Infinity", i) ? "-Infinity" : text.startsWith("Infinity", i) ? "Infinity" : text.startsWith("NaN", i) ? "NaN" : undefined;
    if (token) {
      out += text.slice(copyFrom, i) + "null";
      i += token.length;
      copyFrom = i;
      continue;
    }
    i++;
  }
  return out + text.slice(copyFrom);
}
