import { K, type ImportRecord, type PyValue } from "./values.js";

const MAX_RENDER = 240;
const MAX_DEPTH = 4;

/** A short, Python-looking rendering of a symbolic value, for evidence lines. */
export function render(value: PyValue, max = MAX_RENDER): string {
  const text = renderInner(value, 0);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function importName(imp: ImportRecord): string {
  if (!imp.resolved) return `<unresolved ${imp.via}: ${imp.unresolvedReason ?? "non-literal operands"}>`;
  return `${imp.module}.${imp.name}`;
}

/**
 * Python-style quoting. Control characters and bidi overrides from hostile files are escaped
 * here, so no report format (text, JSON, SARIF) carries raw terminal escapes.
 */
function quote(s: string): string {
  const body = s.length > 160 ? `${s.slice(0, 160)}…` : s;
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const escaped = body.replace(/[\\'\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    if (ch === "\\") return "\\\\";
    if (ch === "'") return "\\'";
    if (ch === "\n") return "\\n";
    if (ch === "\r") return "\\r";
    if (ch === "\t") return "\\t";
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
  return `'${escaped}'`;
}

function renderBytes(data: Uint8Array | undefined, length: number): string {
  if (data === undefined) return `<${length} bytes>`;
  let out = "";
  for (const b of data.subarray(0, 48)) {
    out += b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return `b'${out}${length > 48 ? "…" : ""}'`;
}

function renderItems(items: PyValue[], n: number, depth: number): string {
  const parts = items.map((item) => renderInner(item, depth + 1));
  if (n > items.length) parts.push(`… ${n - items.length} more`);
  return parts.join(", ");
}

function renderInner(value: PyValue, depth: number): string {
  if (value === null) return "None";
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "True" : "False";
  }
  if (depth > MAX_DEPTH) return "…";
  switch (value.k) {
    case K.Bytes:
      return renderBytes(value.data ?? value.head, value.length);
    case K.LongText:
      return `${quote(value.head)}<${value.length} bytes>`;
    case K.Global:
      return importName(value.imp);
    case K.Call: {
      const c = value.call;
      if (c.op === "BUILD") return `${renderInner(c.callee, depth + 1)}.__setstate__(${renderInner(c.args, depth + 1)})`;
      const args = typeof c.args === "object" && c.args !== null && c.args.k === K.Tuple ? c.args : undefined;
      const argText = args ? renderItems(args.items, args.n, depth) : renderInner(c.args, depth + 1);
      return `${renderInner(c.callee, depth + 1)}(${argText})`;
    }
    case K.Tuple:
      return value.n === 1 ? `(${renderItems(value.items, value.n, depth)},)` : `(${renderItems(value.items, value.n, depth)})`;
    case K.List:
      return `[${renderItems(value.items, value.n, depth)}]`;
    case K.Set:
      return value.n === 0 ? "set()" : `{${renderItems(value.items, value.n, depth)}}`;
    case K.FrozenSet:
      return `frozenset({${renderItems(value.items, value.n, depth)}})`;
    case K.Dict: {
      const parts: string[] = [];
      for (let i = 0; i + 1 < value.pairs.length; i += 2) {
        parts.push(`${renderInner(value.pairs[i] ?? null, depth + 1)}: ${renderInner(value.pairs[i + 1] ?? null, depth + 1)}`);
      }
      if (value.n > parts.length) parts.push(`… ${value.n - parts.length} more`);
      return `{${parts.join(", ")}}`;
    }
    case K.Persistent:
      return `persistent_load(${renderInner(value.pid, depth + 1)})`;
    case K.Unknown:
      return `<unknown: ${value.why}>`;
    case K.Buffer:
      return "<out-of-band buffer>";
    case K.Float:
      return Number.isInteger(value.value) ? `${value.value}.0` : String(value.value);
  }
}
