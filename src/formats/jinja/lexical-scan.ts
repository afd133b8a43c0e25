import { DUNDER_INSIDE, DUNDER_NAME, DYNAMIC_ATTR_CALLS, EXEC_NAMES, GLOBAL_OBJECTS, MODULE_NAMES, isDangerousName } from "./names.js";
import { FORMAT_METHODS, attributeFields } from "./format-fields.js";
import type { SignalSink } from "./signal-sink.js";

interface Token {
  type: "ident" | "string" | "number" | "punct";
  value: string;
  /** Char index in the template. */
  at: number;
  /** For strings: an escape sequence spelled a letter, digit or underscore (`\x5f`, `\137`). */
  escapedName?: boolean;
}

/** Evidence window around a lexical hit. */
const EVIDENCE_CHARS = 80;

/**
 * Scans the code parts of a template (`{{ }}`, `{% %}`; comments skipped) token by token. With
 * `full`, it looks for every SSTI shape the AST scan knows; otherwise only for string literals
 * whose escapes spell names (the AST sees the decoded value, not how it was written).
 */
export function lexicalScan(text: string, sink: SignalSink, options: { full: boolean }): void {
  for (const region of codeRegions(text)) {
    const tokens = tokenizeRegion(text, region.start, region.end);
    if (options.full) scanTokens(text, tokens, sink);
    else scanEscapes(text, tokens, sink);
  }
}

/** `{{ ... }}` and `{% ... %}` bodies; an unclosed one runs to the end (that is how it fails to parse). */
export function* codeRegions(text: string): Generator<{ start: number; end: number }> {
  let i = 0;
  while (i < text.length) {
    const open = nextOpener(text, i);
    if (open < 0) return;
    const kind = text[open + 1];
    if (kind === "#") {
      const close = text.indexOf("#}", open + 2);
      i = close < 0 ? text.length : close + 2;
      continue;
    }
    const end = regionEnd(text, open + 2, kind === "{" ? "}}" : "%}");
    yield { start: open + 2, end };
    i = end + 2;
  }
}

function nextOpener(text: string, from: number): number {
  for (let i = text.indexOf("{", from); i >= 0; i = text.indexOf("{", i + 1)) {
    const next = text[i + 1];
    if (next === "{" || next === "%" || next === "#") return i;
  }
  return -1;
}

/** Index of the closing delimiter outside string literals, or the end of the text. */
function regionEnd(text: string, from: number, closer: string): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === closer[0] && text[i + 1] === closer[1]) return i;
  }
  return text.length;
}

function tokenizeRegion(text: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const literal = readPythonString(text, i, end);
      tokens.push({ type: "string", value: literal.value, at: i, escapedName: literal.escapedName });
      i = literal.next;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < end && /\w/.test(text[j] as string)) j++;
      tokens.push({ type: "ident", value: text.slice(i, j), at: i });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < end && /[0-9a-fA-FxXoObB_]/.test(text[j] as string)) j++;
      tokens.push({ type: "number", value: text.slice(i, j), at: i });
      i = j;
    } else {
      tokens.push({ type: "punct", value: c, at: i });
      i++;
    }
  }
  return tokens;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", a: "\x07", "0": "\0", "'": "'", '"': '"', "\\": "\\" };
const NAMED_ESCAPES: Record<string, string> = { "LOW LINE": "_", UNDERSCORE: "_" };

/** A Python string literal (Jinja uses Python's escapes): `\xHH`, `\uHHHH`, `\UHHHHHHHH`, octal, `\N{...}`. */
function readPythonString(text: string, start: number, end: number): { value: string; next: number; escapedName: boolean } {
  const quote = text[start];
  let value = "";
  let escapedName = false;
  let i = start + 1;
  const spelled = (ch: string): string => {
    if (/^\w$/.test(ch)) escapedName = true;
    return ch;
  };
  while (i < end && text[i] !== quote) {
    const c = text[i] as string;
    if (c !== "\\") {
      value += c;
      i++;
      continue;
    }
    const e = text[i + 1] ?? "";
    const hex = (len: number): void => {
      const digits = text.slice(i + 2, i + 2 + len);
      if (new RegExp(`^[0-9a-fA-F]{${len}}$`).test(digits)) {
        const code = parseInt(digits, 16);
        value += code <= 0x10ffff ? spelled(String.fromCodePoint(code)) : "";
        i += 2 + len;
      } else {
        value += e;
        i += 2;
      }
    };
    if (e === "x") hex(2);
    else if (e === "u") hex(4);
    else if (e === "U") hex(8);
    else if (/[0-7]/.test(e)) {
      const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))?.[0] ?? "0";
      value += spelled(String.fromCodePoint(parseInt(octal, 8)));
      i += 1 + octal.length;
    } else if (e === "N" && text[i + 2] === "{") {
      const close = text.indexOf("}", i + 3);
      const name = close < 0 ? "" : text.slice(i + 3, close).toUpperCase();
      value += spelled(NAMED_ESCAPES[name] ?? "?");
      i = close < 0 ? end : close + 1;
    } else {
      value += SIMPLE_ESCAPES[e] ?? e;
      i += 2;
    }
  }
  return { value, next: Math.min(i + 1, end), escapedName };
}

function evidenceAt(text: string, at: number): string {
  const from = Math.max(0, at - 20);
  return text.slice(from, from + EVIDENCE_CHARS).replace(/\s+/g, " ").trim();
}

function scanEscapes(text: string, tokens: Token[], sink: SignalSink): void {
  for (const t of tokens) {
    if (t.type === "string" && t.escapedName && isDangerousName(t.value)) sink.add("built-name", t.value, evidenceAt(text, t.at), "lexical", t.at);
  }
}

function scanTokens(text: string, tokens: Token[], sink: SignalSink): void {
  scanEscapes(text, tokens, sink);
  let chrRun = "";
  let chrAt = -1;
  let concat: { text: string; parts: number; at: number } | undefined;
  const flushConcat = (): void => {
    if (concat && concat.parts > 1 && isDangerousName(concat.text)) sink.add("built-name", concat.text, evidenceAt(text, concat.at), "lexical", concat.at);
    concat = undefined;
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    const ev = (): string => evidenceAt(text, t.at);
    if (t.type === "ident") {
      const v = t.value;
      if (DUNDER_NAME.test(v)) sink.add("dunder", v, ev(), "lexical", t.at);
      const opensAccess = next?.value === "." || next?.value === "[";
      if (GLOBAL_OBJECTS.has(v) && opensAccess && prev?.value !== ".") sink.add("global-object", v, ev(), "lexical", t.at);
      if (MODULE_NAMES.has(v) && (opensAccess || prev?.value === ".")) sink.add("exec", v, ev(), "lexical", t.at);
      if (EXEC_NAMES.has(v) && next?.value === "(") sink.add("exec", v, ev(), "lexical", t.at);
      if (v === "attr" && prev?.value === "|") sink.add("dynamic-attr", "attr", ev(), "lexical", t.at);
      if (DYNAMIC_ATTR_CALLS.has(v) && next?.value === "(" && prev?.value !== ".") sink.add("dynamic-attr", v, ev(), "lexical", t.at);
      if (v === "chr" && next?.value === "(" && tokens[k + 2]?.type === "number") {
        const code = Number(tokens[k + 2]?.value);
        if (Number.isInteger(code) && code >= 0 && code <= 0x10ffff) {
          if (chrAt < 0) chrAt = t.at;
          chrRun += String.fromCodePoint(code);
        }
      }
    } else if (t.type === "string") {
      const dunder = DUNDER_INSIDE.exec(t.value);
      if (dunder) sink.add("dunder", dunder[0], ev(), "lexical", t.at);
      if (MODULE_NAMES.has(t.value) && prev?.value === "[") sink.add("exec", t.value, ev(), "lexical", t.at);
      if (next?.value === "." && FORMAT_METHODS.has(tokens[k + 2]?.value ?? "") && tokens[k + 3]?.value === "(") {
        for (const field of attributeFields(t.value)) sink.add("format-field", field, ev(), "lexical", t.at);
      }
      const joins = prev?.value === "~" || prev?.value === "+";
      if (concat && joins && tokens[k - 2]?.type === "string") {
        concat.text += t.value;
        concat.parts++;
      } else {
        flushConcat();
        concat = { text: t.value, parts: 1, at: t.at };
      }
      continue;
    }
    if (!(t.type === "punct" && (t.value === "~" || t.value === "+"))) flushConcat();
  }
  flushConcat();
  const chrName = DUNDER_INSIDE.exec(chrRun)?.[0] ?? (isDangerousName(chrRun) ? chrRun : undefined);
  if (chrName !== undefined) sink.add("built-name", chrName, evidenceAt(text, chrAt), "lexical", chrAt);
}
