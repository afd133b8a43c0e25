import type { ByteSource } from "../core/byte-source.js";
import type { HandlerPolicy } from "../core/handler.js";
import { looksLikeText } from "./kind.js";

/**
 * What the engine still sees in a file or member that no handler accepted. Declining is not
 * judging: bytes that a Python loader would still act on are reported as unrecognised (an error
 * that fails the gate), not as "not a model".
 */
export type Residual =
  | { kind: "lfs-pointer"; oid: string; size: string }
  | { kind: "pickle-imports"; offset: number; name: string }
  | { kind: "zip-end-record"; offset: number }
  | { kind: "loader-json"; key: string };

/**
 * Bytes searched for pickle import shapes when nothing accepted a file (CWE-400). Larger
 * unrecognised files are searched in their head and tail windows only, and the report says so.
 */
export const MAX_RESIDUAL_SEARCH_BYTES = 64 * 1024 * 1024;

/** Longest module or attribute name considered in an import shape (CPython has no limit; real ones are short). */
const MAX_IMPORT_NAME = 256;

const LFS_PREFIX = "version https://git-lfs.github.com/spec/";

/** Keys that a Python loader acts on in JSON it reads (`auto_map` imports code, `py/object` is jsonpickle). */
const LOADER_JSON_KEYS = ['"auto_map"', '"_target_"', '"py/object"', '"py/reduce"', '"py/function"', '"py/type"', '"chat_template"', '"cells"', '"loader_module"'];

/**
 * A Git LFS pointer: the text Git leaves where a large file should be when the LFS object was
 * never fetched (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md).
 */
export function lfsPointer(head: Uint8Array, size: number): { oid: string; size: string } | undefined {
  if (size > 1024 || head.length < LFS_PREFIX.length) return undefined;
  const text = new TextDecoder("utf-8").decode(head);
  if (!text.startsWith(LFS_PREFIX)) return undefined;
  let oid = "";
  let declared = "";
  for (const line of text.split("\n")) {
    if (line.startsWith("oid ")) oid = line.slice(4).trim();
    else if (line.startsWith("size ")) declared = line.slice(5).trim();
  }
  return oid ? { oid, size: declared } : undefined;
}

/**
 * Looks for what a loader would still act on in bytes that no handler accepted. Reads the whole
 * source when it is at most {@link MAX_RESIDUAL_SEARCH_BYTES}, else the head and tail given.
 */
export async function findResidual(
  source: ByteSource,
  head: Uint8Array,
  tail: Uint8Array,
  policy: HandlerPolicy,
): Promise<{ residual: Residual | undefined; partial: boolean }> {
  const partial = source.size > MAX_RESIDUAL_SEARCH_BYTES;
  const whole = partial ? undefined : source.size <= head.length ? head : await source.read(0, source.size);
  const windows = whole ? [{ bytes: whole, base: 0 }] : [{ bytes: head, base: 0 }, { bytes: tail, base: source.size - tail.length }];
  const eocd = zipEndRecordIn(tail);
  if (eocd >= 0) return { residual: { kind: "zip-end-record", offset: source.size - tail.length + eocd }, partial };
  for (const { bytes, base } of windows) {
    const hit = findImportShape(bytes, policy);
    if (hit) return { residual: { kind: "pickle-imports", offset: base + hit.offset, name: hit.name }, partial };
  }
  const text = whole ?? head;
  if (firstNonSpace(text) === 0x7b && looksLikeText(text.subarray(0, 4096))) {
    const decoded = new TextDecoder("utf-8").decode(text);
    const key = LOADER_JSON_KEYS.find((k) => decoded.includes(k));
    if (key) return { residual: { kind: "loader-json", key: key.slice(1, -1) }, partial };
  }
  return { residual: undefined, partial };
}

function firstNonSpace(bytes: Uint8Array): number | undefined {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return bytes[i];
}

/** Offset of the last zip end-of-central-directory signature (PK\5\6), -1 when none. */
export function zipEndRecordIn(tail: Uint8Array): number {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) return i;
  }
  return -1;
}

const enum Ch {
  NL = 0x0a,
  Dot = 0x2e,
}

function isIdentByte(b: number): boolean {
  return (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) || b === 0x5f || b === Ch.Dot;
}

/** Length of a dotted Python name at `at` (ASCII only), 0 when none or too long. */
function nameLength(bytes: Uint8Array, at: number, end: number): number {
  const first = bytes[at];
  if (first === undefined || !isIdentByte(first) || (first >= 0x30 && first <= 0x39) || first === Ch.Dot) return 0;
  let i = at;
  while (i < end && isIdentByte(bytes[i] as number)) {
    if (i - at >= MAX_IMPORT_NAME) return 0;
    i++;
  }
  return i - at;
}

const latin1 = new TextDecoder("latin1");

/**
 * Finds an import a pickle loader would perform, anywhere in the bytes: a GLOBAL/INST line pair
 * (`c` or `i`, module, newline, name, newline) whose top-level module the policy knows, or two
 * short strings followed by STACK_GLOBAL (protocol 4+). One pass, linear in the bytes.
 */
export function findImportShape(bytes: Uint8Array, policy: HandlerPolicy): { offset: number; name: string } | undefined {
  const end = bytes.length;
  for (let i = 0; i < end; i++) {
    const b = bytes[i];
    if (b === 0x63 || b === 0x69) {
      const m = nameLength(bytes, i + 1, end);
      if (m === 0 || bytes[i + 1 + m] !== Ch.NL) continue;
      const n = nameLength(bytes, i + 2 + m, end);
      if (n === 0 || bytes[i + 2 + m + n] !== Ch.NL) continue;
      const module = latin1.decode(bytes.subarray(i + 1, i + 1 + m));
      const name = latin1.decode(bytes.subarray(i + 2 + m, i + 2 + m + n));
      if (knownModule(module, name, policy)) return { offset: i, name: `${module}.${name}` };
    } else if (b === 0x93) {
      const hit = stackGlobalBefore(bytes, i);
      if (hit && knownModule(hit.module, hit.name, policy)) return { offset: hit.offset, name: `${hit.module}.${hit.name}` };
    }
  }
  return undefined;
}

/** Two SHORT_BINUNICODE strings (each optionally memoised) ending right before a STACK_GLOBAL at `at`. */
function stackGlobalBefore(bytes: Uint8Array, at: number): { offset: number; module: string; name: string } | undefined {
  const second = shortStringEndingAt(bytes, at);
  if (!second) return undefined;
  const first = shortStringEndingAt(bytes, second.start);
  if (!first) return undefined;
  return { offset: first.start, module: first.text, name: second.text };
}

function shortStringEndingAt(bytes: Uint8Array, end: number): { start: number; text: string } | undefined {
  let stop = end;
  if (bytes[stop - 1] === 0x94) stop--; // MEMOIZE after the string
  // SHORT_BINUNICODE (0x8c) <len:u8> <utf-8>; try every length that fits.
  for (let len = 1; len <= Math.min(MAX_IMPORT_NAME, 255, stop - 2); len++) {
    const op = stop - len - 2;
    if (bytes[op] === 0x8c && bytes[op + 1] === len && nameLength(bytes, op + 2, stop) === len) {
      return { start: op, text: latin1.decode(bytes.subarray(op + 2, stop)) };
    }
  }
  return undefined;
}

/** Only names a policy has an opinion on count: random bytes and prose rarely spell `os\nsystem`. */
function knownModule(module: string, name: string, policy: HandlerPolicy): boolean {
  return policy.classifyGlobal(module, name).cls !== "unknown";
}
