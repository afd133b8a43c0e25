/**
 * JSON text exactly as Python's `json.dumps(value, indent=2)` writes it (ensure_ascii on), which is
 * what protobuf's `MessageToJson` uses for the model-signing payload. Writing the same bytes keeps
 * our signatures byte-for-byte comparable with the reference tool's for the same manifest.
 */
export type PythonJson = null | boolean | number | string | PythonJson[] | { [key: string]: PythonJson };

/**
 * @example
 * pythonJsonDumps({ a: [1, "é"] }); // '{\n  "a": [\n    1,\n    "\\u00e9"\n  ]\n}'
 */
export function pythonJsonDumps(value: PythonJson, indent = 2): string {
  return dump(value, indent, 0);
}

function dump(value: PythonJson, indent: number, level: number): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return dumpNumber(value);
  if (typeof value === "string") return dumpString(value);
  const inner = " ".repeat(indent * (level + 1));
  const outer = " ".repeat(indent * level);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + dump(v, indent, level + 1)).join(",\n")}\n${outer}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${dumpString(k)}: ${dump(v, indent, level + 1)}`).join(",\n")}\n${outer}}`;
}

function dumpNumber(value: number): string {
  // Only integers appear in a model-signing payload (shard sizes); Python prints them plainly.
  if (!Number.isSafeInteger(value)) throw new RangeError(`Cannot write ${value} as a Python JSON integer`);
  return String(value);
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

/** ensure_ascii: everything outside printable ASCII as \uXXXX (lower-case hex), UTF-16 units as Python does. */
function dumpString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const code = text.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
