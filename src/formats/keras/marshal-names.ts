import { MAX_MARSHAL_NAMES } from "./limits.js";

/** marshal type codes of text objects (Python/marshal.c), with FLAG_REF (0x80) masked off. */
const SHORT_ASCII = new Set([0x7a /* z */, 0x5a /* Z */]);
const LONG_TEXT = new Set([0x61 /* a */, 0x41 /* A */, 0x75 /* u */, 0x74 /* t */]);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_.]*$/;
/** Longest name worth listing; longer strings are constants, not names. */
const MAX_NAME = 80;

/**
 * Lists identifier-like strings in a marshalled code object (what `marshal.dumps(fn.__code__)`
 * holds: co_names, co_varnames, constants), by scanning for marshal's string type codes. It
 * reads the bytes as data only and does not need the Python version's code-object layout; the
 * result is evidence ("os", "system"), not a disassembly.
 *
 * @example
 * marshalNames(bytes); // ["__import__", "os", "system", "x", "<lambda>"]
 */
export function marshalNames(bytes: Uint8Array): string[] {
  const names = new Set<string>();
  for (let i = 0; i < bytes.length && names.size < MAX_MARSHAL_NAMES; i++) {
    const code = (bytes[i] as number) & 0x7f;
    let start: number;
    let length: number;
    if (SHORT_ASCII.has(code) && i + 1 < bytes.length) {
      length = bytes[i + 1] as number;
      start = i + 2;
    } else if (LONG_TEXT.has(code) && i + 4 < bytes.length) {
      length = (bytes[i + 1] as number) | ((bytes[i + 2] as number) << 8) | ((bytes[i + 3] as number) << 16) | ((bytes[i + 4] as number) << 24);
      start = i + 5;
    } else continue;
    if (length < 1 || length > MAX_NAME || start + length > bytes.length) continue;
    const text = String.fromCharCode(...bytes.subarray(start, start + length));
    if (IDENTIFIER.test(text) || text === "<lambda>") names.add(text);
  }
  return [...names];
}
