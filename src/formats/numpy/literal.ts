/**
 * A safe reader for the Python literals numpy writes in `.npy` headers (numpy/lib/format.py
 * `_write_array_header` uses `repr(dict)`; `_read_array_header` uses `ast.literal_eval`). It
 * never evaluates anything: it accepts dicts, tuples, lists, strings, integers, booleans and
 * None, and rejects everything else with a message that says where.
 */
export type PyLiteral =
  | { kind: "str"; value: string }
  | { kind: "int"; value: bigint }
  | { kind: "bool"; value: boolean }
  | { kind: "none" }
  | { kind: "tuple"; items: PyLiteral[] }
  | { kind: "list"; items: PyLiteral[] }
  | { kind: "dict"; entries: [PyLiteral, PyLiteral][] };

export type LiteralResult = { ok: true; value: PyLiteral } | { ok: false; error: string; at: number };

/** Nesting allowed in a header literal: structured dtypes nest a few levels, never dozens (CWE-674). */
export const MAX_LITERAL_DEPTH = 32;
/** Items in one container: numpy headers hold three keys and a shape of a few dims (CWE-770). */
export const MAX_LITERAL_ITEMS = 4096;

interface LiteralFailure {
  error: string;
  at: number;
}

/**
 * Parses one Python literal that fills `text` (surrounding whitespace allowed).
 *
 * @example
 * parsePyLiteral("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }");
 */
export function parsePyLiteral(text: string): LiteralResult {
  const reader = new LiteralReader(text);
  const value = reader.value(0);
  if (value === undefined) {
    const failure = reader.failure ?? { error: "expected a literal", at: reader.pos };
    return { ok: false, ...failure };
  }
  reader.skipSpace();
  if (reader.pos < text.length) return { ok: false, error: `unexpected ${describe(text, reader.pos)} after the literal`, at: reader.pos };
  return { ok: true, value };
}

function describe(text: string, at: number): string {
  return at >= text.length ? "end of header" : JSON.stringify(text.slice(at, at + 12));
}

/** Recursive descent; every method returns undefined after recording the first failure. */
class LiteralReader {
  pos = 0;
  failure: LiteralFailure | undefined;
  constructor(private readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  private fail(message: string): undefined {
    this.failure ??= { error: message, at: this.pos };
    return undefined;
  }

  private expected(what: string): undefined {
    return this.fail(`expected ${what} but found ${describe(this.text, this.pos)}`);
  }

  value(depth: number): PyLiteral | undefined {
    if (depth > MAX_LITERAL_DEPTH) return this.fail(`literal nests deeper than ${MAX_LITERAL_DEPTH} levels`);
    this.skipSpace();
    const c = this.text[this.pos];
    switch (c) {
      case "{":
        return this.dict(depth);
      case "(":
        return this.sequence("tuple", ")", depth);
      case "[":
        return this.sequence("list", "]", depth);
      case "'":
      case '"':
        return this.str();
      default:
        break;
    }
    if (c !== undefined && /[uUbB]/.test(c) && (this.text[this.pos + 1] === "'" || this.text[this.pos + 1] === '"')) {
      this.pos++;
      return this.str();
    }
    if (c !== undefined && /[-+0-9]/.test(c)) return this.integer();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos, this.pos + 64))?.[0];
    if (word === "True" || word === "False") {
      this.pos += word.length;
      return { kind: "bool", value: word === "True" };
    }
    if (word === "None") {
      this.pos += 4;
      return { kind: "none" };
    }
    return this.expected(word ? `a literal (names such as ${JSON.stringify(word)} are not literals)` : "a literal");
  }

  private dict(depth: number): PyLiteral | undefined {
    this.pos++;
    const entries: [PyLiteral, PyLiteral][] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === "}") {
        this.pos++;
        return { kind: "dict", entries };
      }
      if (entries.length >= MAX_LITERAL_ITEMS) return this.fail(`dict has more than ${MAX_LITERAL_ITEMS} entries`);
      const key = this.value(depth + 1);
      if (key === undefined) return undefined;
      this.skipSpace();
      if (this.text[this.pos] !== ":") return this.expected('":"');
      this.pos++;
      const value = this.value(depth + 1);
      if (value === undefined) return undefined;
      entries.push([key, value]);
      this.skipSpace();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== "}") return this.expected('"," or "}"');
    }
  }

  private sequence(kind: "tuple" | "list", close: string, depth: number): PyLiteral | undefined {
    this.pos++;
    const items: PyLiteral[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        // `(x)` is a parenthesised value, not a tuple; `(x,)` and `()` are tuples.
        if (kind === "tuple" && items.length === 1 && !sawComma) return items[0];
        return { kind, items };
      }
      if (items.length >= MAX_LITERAL_ITEMS) return this.fail(`${kind} has more than ${MAX_LITERAL_ITEMS} items`);
      const item = this.value(depth + 1);
      if (item === undefined) return undefined;
      items.push(item);
      this.skipSpace();
      if (this.text[this.pos] === ",") {
        this.pos++;
        sawComma = true;
      } else if (this.text[this.pos] !== close) return this.expected(`"," or "${close}"`);
    }
  }

  private integer(): PyLiteral | undefined {
    // Python 2 era headers write longs as `3L`; numpy's _filter_header drops the suffix.
    const match = /^[-+]?(0|[1-9][0-9]*)[lL]?/.exec(this.text.slice(this.pos, this.pos + 64));
    if (!match) return this.expected("an integer");
    const next = this.text[this.pos + match[0].length];
    if (next !== undefined && /[.eEjJxXoObB0-9_]/.test(next)) return this.expected("an integer (floats and other numbers do not belong in a header)");
    this.pos += match[0].length;
    return { kind: "int", value: BigInt(match[0].replace(/[lL]$/, "")) };
  }

  private str(): PyLiteral | undefined {
    const quote = this.text[this.pos] as string;
    let out = "";
    this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined || c === "\n") return this.fail("string is not closed");
      this.pos++;
      if (c === quote) return { kind: "str", value: out };
      if (c !== "\\") {
        out += c;
        continue;
      }
      const escaped = this.escape();
      if (escaped === undefined) return undefined;
      out += escaped;
    }
  }

  private escape(): string | undefined {
    const c = this.text[this.pos];
    this.pos++;
    switch (c) {
      case "n":
        return "\n";
      case "t":
        return "\t";
      case "r":
        return "\r";
      case "0":
        return "\0";
      case "\\":
      case "'":
      case '"':
        return c;
      case "x":
        return this.hexEscape(2);
      case "u":
        return this.hexEscape(4);
      case "U":
        return this.hexEscape(8);
      default:
        return `\\${c ?? ""}`;
    }
  }

  private hexEscape(digits: number): string | undefined {
    const hex = this.text.slice(this.pos, this.pos + digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) return this.fail(`bad escape ${JSON.stringify(hex)}`);
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) return this.fail(`escape ${hex} is not a code point`);
    this.pos += digits;
    return String.fromCodePoint(code);
  }
}

/** The value of `key` in a dict literal with string keys. */
export function dictGet(dict: PyLiteral, key: string): PyLiteral | undefined {
  if (dict.kind !== "dict") return undefined;
  for (const [k, v] of dict.entries) if (k.kind === "str" && k.value === key) return v;
  return undefined;
}

/** A short Python-looking rendering, for evidence. */
export function renderLiteral(value: PyLiteral, max = 200): string {
  const text = renderInner(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function renderInner(value: PyLiteral): string {
  switch (value.kind) {
    case "str":
      return JSON.stringify(value.value).replace(/^"|"$/g, "'");
    case "int":
      return value.value.toString();
    case "bool":
      return value.value ? "True" : "False";
    case "none":
      return "None";
    case "tuple":
      return `(${value.items.map(renderInner).join(", ")}${value.items.length === 1 ? "," : ""})`;
    case "list":
      return `[${value.items.map(renderInner).join(", ")}]`;
    case "dict":
      return `{${value.entries.map(([k, v]) => `${renderInner(k)}: ${renderInner(v)}`).join(", ")}}`;
  }
}
