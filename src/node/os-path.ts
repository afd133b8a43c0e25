import { join, sep } from "node:path";
import { safeLine } from "../core/safe-text.js";

/**
 * A path as the operating system gives it: bytes. POSIX file names are byte strings, not text; a
 * name that is not valid UTF-8 cannot round-trip through a JS string (Node would put U+FFFD in it
 * and then fail to open it), so the walk and the file source keep paths as Buffers and only the
 * report gets a display string.
 */
export type OsPath = Buffer;

/**
 * Path arithmetic (`join`, `relative`, `dirname`) on bytes: a latin1 string maps each byte to one
 * char and back, and the separators `/`, `\` and `.` are the same in latin1 and UTF-8 (no byte of
 * a UTF-8 multi-byte sequence is below 0x80), so node:path's string functions work unchanged.
 */
export function binary(path: OsPath): string {
  return path.toString("latin1");
}

export function fromBinary(path: string): OsPath {
  return Buffer.from(path, "latin1");
}

/** A path named on the command line or by an API caller: Node hands those over as UTF-8 text. */
export function toOsPath(path: string | Uint8Array): OsPath {
  return typeof path === "string" ? Buffer.from(path, "utf8") : Buffer.from(path);
}

/** `dir` joined with one entry name, both bytes. */
export function joinOsPath(dir: OsPath, name: OsPath): OsPath {
  return fromBinary(join(binary(dir), binary(name)));
}

const SEPARATOR = Buffer.from(sep, "latin1");

/**
 * `dir` joined with one entry name as `readdir` gives it, where `dir` is already normalised (it
 * came from `joinOsPath`): such a name is never empty, `.` or `..`, and holds no separator, so the
 * join is a concatenation. A walk makes one per entry, and normalising each again was some 7 % of
 * the main thread's work in a pooled scan of 20,000 files.
 */
export function childOsPath(dir: OsPath, name: OsPath): OsPath {
  return Buffer.concat([dir, SEPARATOR, name]);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const latin1 = new TextDecoder("latin1");

function isPrintableAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}

/**
 * A path (or one name) for a report: UTF-8 where the bytes are UTF-8, each other byte as `\xNN`
 * (what Python's `backslashreplace` prints), then control, bidi and invisible characters escaped
 * like any other attacker-chosen text (`safeLine`), so a name can neither break the report's lines
 * nor hide what it is.
 *
 * @example
 * displayPath(Buffer.from([0x6d, 0xff, 0x2e, 0x70, 0x74])); // "m\\xff.pt"
 */
export function displayPath(path: Uint8Array): string {
  // Printable ASCII (most names) is its own display: nothing to decode or escape.
  if (isPrintableAscii(path)) return latin1.decode(path);
  let text: string;
  try {
    text = strictUtf8.decode(path);
  } catch {
    text = decodeWithByteEscapes(path);
  }
  return safeLine(text);
}

/** Length of the well-formed UTF-8 sequence at `i` (Unicode Table 3-7), or 0 when there is none. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = bytes[i + k];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 >= 0xe1 && b0 <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

function decodeWithByteEscapes(bytes: Uint8Array): string {
  let out = "";
  let run = 0;
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    out += strictUtf8.decode(bytes.subarray(run, i)) + `\\x${(bytes[i] as number).toString(16).padStart(2, "0")}`;
    i += 1;
    run = i;
  }
  return out + strictUtf8.decode(bytes.subarray(run));
}
