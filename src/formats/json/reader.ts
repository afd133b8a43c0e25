import type { ConfigEntry, ConfigList, ConfigMap, ConfigNode } from "../hf-config/config-tree.js";
import { childPath } from "../hf-config/config-tree.js";

/**
 * The one bounded JSON reader over bytes, shared by every handler that reads JSON (configs,
 * notebooks, Keras configs, safetensors headers). With {@link PYTHON_JSON} it accepts exactly
 * what Python's `json.loads` accepts on UTF-8 text (the reference for configs and notebooks:
 * NaN/Infinity, lone surrogate escapes, the same four whitespace bytes, integers up to CPython's
 * digit limit) and rejects what it rejects; without it, the RFC 8259 subset serde reads.
 *
 * Unlike `JSON.parse` it keeps every duplicate key (Python `json` and serde keep the last one
 * silently, so a second `"auto_map"` would be invisible; `lookup` resolves last-wins as Python
 * does while rules still see both), reports byte offsets, checks UTF-8 and never recurses:
 * nesting and node counts are bounded by the caller, and past them the result is a `depth` or
 * `nodes` error that handlers turn into a limit defect (fail closed).
 *
 * @example
 * const r = parseJson(new TextEncoder().encode('{"a":1,"a":2}'), { ...PYTHON_JSON, maxDepth: 64, maxNodes: 1000 });
 * r.ok && r.duplicates[0]?.key; // "a"
 */
export function parseJson(bytes: Uint8Array, options: JsonOptions): JsonResult {
  return new JsonParser(bytes, options).run();
}

/**
 * CPython's `int_max_str_digits` (3.11+): `json.loads` raises ValueError on a longer integer,
 * so the file does not load; we reject it the same way.
 */
export const PYTHON_INT_MAX_DIGITS = 4300;

/** Options that make the reader agree with Python's `json.loads` (checked by `python-diff.test.ts`). */
export const PYTHON_JSON = Object.freeze({ allowNonFinite: true, allowBom: true, maxIntDigits: PYTHON_INT_MAX_DIGITS }) satisfies Partial<JsonOptions>;

export interface JsonOptions {
  /** Containers open at once (CWE-674). */
  maxDepth: number;
  /** Values in the whole document (CWE-770). */
  maxNodes: number;
  /** Python's `json` reads and writes NaN, Infinity and -Infinity; safetensors' serde does not. */
  allowNonFinite?: boolean;
  /** Added to every reported offset (a safetensors header starts at byte 8). */
  baseOffset?: number;
  /**
   * Skip one leading UTF-8 byte-order mark. `json.loads(bytes)` accepts it (it decodes with
   * utf-8-sig); text-mode readers refuse it. Accepting it means a config behind a BOM is still
   * checked rather than waved through as "not JSON".
   */
  allowBom?: boolean;
  /** Longest integer literal accepted, in digits (Python: {@link PYTHON_INT_MAX_DIGITS}). */
  maxIntDigits?: number;
}

export type JsonErrorCode = "syntax" | "utf8" | "depth" | "nodes";

export interface DuplicateKey {
  /** Path of the map holding the key. */
  path: string;
  key: string;
  /** Offset of the repeated key. */
  offset: number;
}

export type JsonResult =
  | { ok: true; value: ConfigNode; duplicates: DuplicateKey[]; loneSurrogates: number }
  | { ok: false; code: JsonErrorCode; message: string; offset: number; duplicates: DuplicateKey[] };

interface Frame {
  node: ConfigMap | ConfigList;
  /** Path of this container, for duplicate reports. */
  path: string;
  keys?: Set<string>;
  pendingKey?: string;
  pendingKeyOffset?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
// ignoreBOM: a U+FEFF inside a string is data; without it TextDecoder drops it from each decoded run.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

class JsonParser {
  private pos = 0;
  private nodes = 0;
  private loneSurrogates = 0;
  private error: { code: JsonErrorCode; message: string; offset: number } | undefined;
  private readonly stack: Frame[] = [];
  private readonly duplicates: DuplicateKey[] = [];
  private readonly base: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: JsonOptions,
  ) {
    this.base = options.baseOffset ?? 0;
  }

  run(): JsonResult {
    if (this.options.allowBom && this.bytes[0] === 0xef && this.bytes[1] === 0xbb && this.bytes[2] === 0xbf) this.pos = 3;
    let root: ConfigNode | undefined;
    let expectValue = true;
    while (root === undefined && this.error === undefined) {
      if (expectValue) {
        const node = this.valueOrOpen();
        if (node === undefined) continue; // error, or a container was opened and awaits its first item
        root = this.deliver(node);
        expectValue = false;
      } else {
        const closed = this.afterValue();
        if (closed === "next") expectValue = true;
        else if (closed !== undefined) root = closed;
      }
    }
    if (this.error === undefined && root !== undefined) {
      this.skipWhitespace();
      if (this.pos < this.bytes.length) this.fail("syntax", "unexpected data after the JSON value");
    }
    if (this.error !== undefined || root === undefined) {
      const e = this.error ?? { code: "syntax" as const, message: "no JSON value", offset: this.base };
      return { ok: false, ...e, duplicates: this.duplicates };
    }
    return { ok: true, value: root, duplicates: this.duplicates, loneSurrogates: this.loneSurrogates };
  }

  /** Attaches a finished value to its container; returns it when it is the root. */
  private deliver(node: ConfigNode): ConfigNode | undefined {
    const top = this.stack.at(-1);
    if (top === undefined) return node;
    if (top.node.kind === "list") top.node.items.push(node);
    else {
      const entry: ConfigEntry = { key: top.pendingKey as string, value: node, offset: top.pendingKeyOffset as number };
      top.node.entries.push(entry);
    }
    return undefined;
  }

  /**
   * After a value inside a container: `,` (returns "next"), or closers; a closed container is
   * delivered to its parent, and when it was the root it is returned.
   */
  private afterValue(): "next" | ConfigNode | undefined {
    for (;;) {
      this.skipWhitespace();
      const top = this.stack.at(-1) as Frame;
      const b = this.bytes[this.pos];
      const closer = top.node.kind === "map" ? 0x7d : 0x5d;
      if (b === 0x2c) {
        this.pos++;
        if (top.node.kind === "map" && !this.readKey(top)) return undefined;
        return "next";
      }
      if (b !== closer) {
        this.fail("syntax", `expected "," or "${top.node.kind === "map" ? "}" : "]"}"`);
        return undefined;
      }
      this.pos++;
      this.stack.pop();
      const root = this.deliver(top.node);
      if (root !== undefined) return root;
    }
  }

  /** A scalar, or opens a container (pushing a frame) and returns undefined. */
  private valueOrOpen(): ConfigNode | undefined {
    this.skipWhitespace();
    const offset = this.base + this.pos;
    if (!this.countNode()) return undefined;
    const b = this.bytes[this.pos];
    if (b === 0x7b || b === 0x5b) {
      if (this.stack.length >= this.options.maxDepth) {
        this.fail("depth", `nesting deeper than ${this.options.maxDepth}`);
        return undefined;
      }
      this.pos++;
      const parent = this.stack.at(-1);
      const path = parent === undefined ? "" : parent.node.kind === "list" ? `${parent.path}[${parent.node.items.length}]` : childPath(parent.path, parent.pendingKey as string);
      const node: ConfigMap | ConfigList = b === 0x7b ? { kind: "map", entries: [], offset } : { kind: "list", items: [], offset };
      const frame: Frame = node.kind === "map" ? { node, path, keys: new Set() } : { node, path };
      this.stack.push(frame);
      this.skipWhitespace();
      const closer = b === 0x7b ? 0x7d : 0x5d;
      if (this.bytes[this.pos] === closer) {
        this.pos++;
        this.stack.pop();
        return node;
      }
      if (node.kind === "map") this.readKey(frame);
      return undefined;
    }
    if (b === QUOTE) {
      const value = this.readString();
      return value === undefined ? undefined : { kind: "string", value, offset };
    }
    if (b === 0x74 && this.literal("true")) return { kind: "bool", value: true, offset };
    if (b === 0x66 && this.literal("false")) return { kind: "bool", value: false, offset };
    if (b === 0x6e && this.literal("null")) return { kind: "null", offset };
    if (this.options.allowNonFinite) {
      if (b === 0x4e && this.literal("NaN")) return { kind: "number", value: Number.NaN, raw: "NaN", offset };
      if (b === 0x49 && this.literal("Infinity")) return { kind: "number", value: Number.POSITIVE_INFINITY, raw: "Infinity", offset };
      if (b === 0x2d && this.bytes[this.pos + 1] === 0x49) {
        this.pos++;
        if (this.literal("Infinity")) return { kind: "number", value: Number.NEGATIVE_INFINITY, raw: "-Infinity", offset };
        this.pos--;
      }
    }
    if (b === 0x2d || (b !== undefined && b >= 0x30 && b <= 0x39)) return this.readNumber(offset);
    this.fail("syntax", b === undefined ? "unexpected end of input" : `unexpected byte 0x${b.toString(16).padStart(2, "0")}`);
    return undefined;
  }

  /** Reads `"key":` into the frame; false on error. */
  private readKey(frame: Frame): boolean {
    this.skipWhitespace();
    const keyOffset = this.base + this.pos;
    if (this.bytes[this.pos] !== QUOTE) {
      this.fail("syntax", "expected a string key");
      return false;
    }
    const key = this.readString();
    if (key === undefined) return false;
    this.skipWhitespace();
    if (this.bytes[this.pos] !== 0x3a) {
      this.fail("syntax", 'expected ":" after a key');
      return false;
    }
    this.pos++;
    const keys = frame.keys as Set<string>;
    if (keys.has(key)) this.duplicates.push({ path: frame.path, key, offset: keyOffset });
    else keys.add(key);
    frame.pendingKey = key;
    frame.pendingKeyOffset = keyOffset;
    return true;
  }

  private readString(): string | undefined {
    const { bytes } = this;
    this.pos++; // opening quote
    let out = "";
    let run = this.pos;
    while (this.pos < bytes.length) {
      const b = bytes[this.pos] as number;
      if (b === QUOTE) {
        const tail = this.decode(run, this.pos);
        if (tail === undefined) return undefined;
        this.pos++;
        return out + tail;
      }
      if (b === BACKSLASH) {
        const head = this.decode(run, this.pos);
        if (head === undefined) return undefined;
        const escaped = this.readEscape();
        if (escaped === undefined) return undefined;
        out += head + escaped;
        run = this.pos;
        continue;
      }
      if (b < 0x20) {
        this.fail("syntax", `control character 0x${b.toString(16).padStart(2, "0")} in a string`);
        return undefined;
      }
      this.pos++;
    }
    this.fail("syntax", "unterminated string");
    return undefined;
  }

  private decode(start: number, end: number): string | undefined {
    if (start === end) return "";
    try {
      return utf8.decode(this.bytes.subarray(start, end));
    } catch {
      // TextDecoder reports invalid UTF-8 by throwing; that is its API.
      this.pos = start;
      this.fail("utf8", "invalid UTF-8 in a string");
      return undefined;
    }
  }

  /** At a backslash: the character it stands for. */
  private readEscape(): string | undefined {
    const c = this.bytes[this.pos + 1];
    this.pos += 2;
    switch (c) {
      case 0x22:
        return '"';
      case 0x5c:
        return "\\";
      case 0x2f:
        return "/";
      case 0x62:
        return "\b";
      case 0x66:
        return "\f";
      case 0x6e:
        return "\n";
      case 0x72:
        return "\r";
      case 0x74:
        return "\t";
      case 0x75: {
        const unit = this.hex4(this.pos);
        if (unit === undefined) return undefined;
        this.pos += 4;
        if (unit >= 0xd800 && unit <= 0xdbff && this.bytes[this.pos] === BACKSLASH && this.bytes[this.pos + 1] === 0x75) {
          const low = this.hex4(this.pos + 2);
          if (low !== undefined && low >= 0xdc00 && low <= 0xdfff) {
            this.pos += 6;
            return String.fromCharCode(unit, low);
          }
        }
        if (unit >= 0xd800 && unit <= 0xdfff) this.loneSurrogates++;
        return String.fromCharCode(unit);
      }
      default:
        this.pos -= 2;
        this.fail("syntax", "invalid escape in a string");
        return undefined;
    }
  }

  private hex4(at: number): number | undefined {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.bytes[at + i];
      const digit = b === undefined ? -1 : b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1;
      if (digit < 0) {
        this.fail("syntax", "invalid \\u escape");
        return undefined;
      }
      value = value * 16 + digit;
    }
    return value;
  }

  private readNumber(offset: number): ConfigNode | undefined {
    const { bytes } = this;
    const start = this.pos;
    const digits = (): number => {
      const from = this.pos;
      while (this.pos < bytes.length && (bytes[this.pos] as number) >= 0x30 && (bytes[this.pos] as number) <= 0x39) this.pos++;
      return this.pos - from;
    };
    if (bytes[this.pos] === 0x2d) this.pos++;
    if (bytes[this.pos] === 0x30) this.pos++;
    else if (digits() === 0) return this.badNumber();
    if (bytes[this.pos] === 0x2e) {
      this.pos++;
      if (digits() === 0) return this.badNumber();
    }
    if (bytes[this.pos] === 0x65 || bytes[this.pos] === 0x45) {
      this.pos++;
      if (bytes[this.pos] === 0x2b || bytes[this.pos] === 0x2d) this.pos++;
      if (digits() === 0) return this.badNumber();
    }
    const raw = latin(bytes.subarray(start, this.pos));
    const limit = this.options.maxIntDigits;
    if (limit !== undefined && !/[.eE]/.test(raw) && raw.length - (raw.startsWith("-") ? 1 : 0) > limit) {
      this.pos = start;
      this.fail("syntax", `integer of ${raw.length} characters exceeds Python's limit of ${limit} digits`);
      return undefined;
    }
    return { kind: "number", value: Number(raw), raw, offset };
  }

  private badNumber(): undefined {
    this.fail("syntax", "malformed number");
    return undefined;
  }

  private literal(word: string): boolean {
    for (let i = 0; i < word.length; i++) {
      if (this.bytes[this.pos + i] !== word.charCodeAt(i)) return false;
    }
    this.pos += word.length;
    return true;
  }

  private skipWhitespace(): void {
    const { bytes } = this;
    while (this.pos < bytes.length) {
      const b = bytes[this.pos];
      if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return;
      this.pos++;
    }
  }

  private countNode(): boolean {
    if (++this.nodes > this.options.maxNodes) {
      this.fail("nodes", `more than ${this.options.maxNodes} values`);
      return false;
    }
    return true;
  }

  private fail(code: JsonErrorCode, message: string): void {
    this.error ??= { code, message, offset: this.base + this.pos };
  }
}

/** Bytes below 0x80 as a string, in chunks (argument lists have a length limit). */
function latin(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return out;
}
