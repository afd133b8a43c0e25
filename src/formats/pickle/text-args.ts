/**
 * Arguments of the newline-terminated (protocol 0/1) opcodes, parsed exactly as CPython's C
 * unpickler (`Modules/_pickle.c`, which `pickle.load` uses) parses them. The reference is the
 * loader, not the spec: `I0x10`, `I1_000`, `L1_0L`, `Finf` and `I\0` all load in CPython, so a
 * stricter reader here would stop before the payload that CPython goes on to run.
 *
 * Every function takes the line without its `\n` (as raw bytes: CPython works on a C buffer, so a
 * NUL byte ends the text for the C-string based parsers) and returns the value, or an error
 * message when CPython raises.
 */

const latin1 = new TextDecoder("latin1");
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export type ArgResult<T> = { ok: true; value: T } | { ok: false; why: string };

const ok = <T>(value: T): ArgResult<T> => ({ ok: true, value });
const fail = (why: string): ArgResult<never> => ({ ok: false, why });

/** `Py_ISSPACE` and C `isspace` in the C locale: space, \t \n \v \f \r. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** `_PyLong_DigitValue`: 0–9, a–z, A–Z as 0–35; anything else is no digit. */
function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41 + 10;
  return 99;
}

/** Length of the C string in `line` (up to the first NUL). */
function cLength(line: Uint8Array): number {
  const nul = line.indexOf(0);
  return nul === -1 ? line.length : nul;
}

/** CPython's `sys.int_info.default_max_str_digits`: longer decimal literals raise ValueError. */
const MAX_STR_DIGITS = 4300;

function toInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/**
 * `PyLong_FromString(s, NULL, base)` on a C string: surrounding whitespace, one sign, a base
 * prefix (base 0), single underscores between digits, and "old octal" (`010`) refused in base 0.
 */
export function pyLongFromString(line: Uint8Array, base: 0 | 10): ArgResult<number | bigint> {
  const end = cLength(line);
  let i = 0;
  while (i < end && isSpace(line[i] as number)) i++;
  let negative = false;
  if (line[i] === 0x2b) i++;
  else if (line[i] === 0x2d) {
    negative = true;
    i++;
  }
  let radix: number = base;
  let errorIfNonzero = false;
  const c0 = i < end ? (line[i] as number) : 0;
  const c1 = i + 1 < end ? (line[i + 1] as number) | 0x20 : 0;
  if (radix === 0) {
    if (c0 !== 0x30) radix = 10;
    else if (c1 === 0x78) radix = 16;
    else if (c1 === 0x6f) radix = 8;
    else if (c1 === 0x62) radix = 2;
    else {
      errorIfNonzero = true;
      radix = 10;
    }
  }
  if (c0 === 0x30 && ((radix === 16 && c1 === 0x78) || (radix === 8 && c1 === 0x6f) || (radix === 2 && c1 === 0x62))) {
    i += 2;
    if (line[i] === 0x5f) i++; // one underscore may follow the prefix
  }
  if (line[i] === 0x5f) return fail("leading underscore");
  let digits = "";
  let prev = 0;
  for (; i < end; i++) {
    const c = line[i] as number;
    if (c === 0x5f) {
      if (prev === 0x5f) return fail("double underscore");
    } else if (digitValue(c) < radix) digits += String.fromCharCode(c);
    else break;
    prev = c;
  }
  if (prev === 0x5f) return fail("trailing underscore");
  if (digits.length === 0) return fail("no digits");
  while (i < end && isSpace(line[i] as number)) i++;
  if (i !== end) return fail("invalid literal");
  if (radix === 10 && digits.length > MAX_STR_DIGITS) return fail(`more than ${MAX_STR_DIGITS} digits`);
  const prefix = radix === 16 ? "0x" : radix === 8 ? "0o" : radix === 2 ? "0b" : "";
  let value = BigInt(prefix + digits);
  if (errorIfNonzero && value !== 0n) return fail("leading zeros in a decimal literal");
  if (negative) value = -value;
  return ok(toInt(value));
}

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

/**
 * C `strtol(s, &end, 0)` with a 64-bit long: whitespace, one sign, `0x` hex, `0` octal, decimal.
 * Returns the value and where it stopped, or undefined on overflow (errno ERANGE).
 */
function strtol(line: Uint8Array): { value: bigint; end: number } | undefined {
  const end = cLength(line);
  let i = 0;
  while (i < end && isSpace(line[i] as number)) i++;
  let negative = false;
  if (line[i] === 0x2b || line[i] === 0x2d) negative = line[i++] === 0x2d;
  let radix = 10;
  if (line[i] === 0x30) {
    if (((line[i + 1] as number) | 0x20) === 0x78 && i + 2 < end && digitValue(line[i + 2] as number) < 16) {
      radix = 16;
      i += 2;
    } else radix = 8;
  }
  const start = i;
  let value = 0n;
  const big = BigInt(radix);
  for (; i < end; i++) {
    const d = digitValue(line[i] as number);
    if (d >= radix) break;
    value = value * big + BigInt(d);
    if (value > LONG_MAX + 1n) value = LONG_MAX + 2n; // saturate: only overflow matters from here
  }
  if (i === start) return { value: 0n, end: 0 }; // no conversion: endptr is the start
  if (negative) value = -value;
  if (value > LONG_MAX || value < LONG_MIN) return undefined;
  return { value, end: i };
}

/**
 * INT (`load_int`): `strtol` base 0 first, ending at the newline or a NUL; otherwise
 * `PyLong_FromString(s, NULL, 0)`. A two-character line that strtol reads as 0 or 1 is a bool
 * (`I00` / `I01`, and also `I+1`, `I 0`, `I-0`).
 */
export function parseIntArg(line: Uint8Array): ArgResult<number | bigint | boolean> {
  if (line.length === 0) return fail("empty line");
  const fast = strtol(line);
  if (fast !== undefined && (fast.end === line.length || line[fast.end] === 0)) {
    if (line.length === 2 && (fast.value === 0n || fast.value === 1n)) return ok(fast.value === 1n);
    return ok(toInt(fast.value));
  }
  return pyLongFromString(line, 0);
}

/** LONG (`load_long`): one `L` right before the newline is dropped, then `PyLong_FromString(s, NULL, 0)`. */
export function parseLongArg(line: Uint8Array): ArgResult<number | bigint> {
  if (line.length === 0) return fail("empty line");
  return pyLongFromString(line[line.length - 1] === 0x4c ? line.subarray(0, line.length - 1) : line, 0);
}

/** GET and PUT (`load_get`, `load_put`): `PyLong_FromString(s, NULL, 10)`, then a non-negative Py_ssize_t. */
export function parseMemoKey(line: Uint8Array): ArgResult<number> {
  if (line.length === 0) return fail("empty line");
  const key = pyLongFromString(line, 10);
  if (!key.ok) return key;
  if (typeof key.value !== "number" || key.value < 0) return fail("memo key out of range");
  return ok(key.value);
}

function matchesLower(line: Uint8Array, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (((line[at + k] ?? 0) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * FLOAT (`load_float`): `PyOS_string_to_double` must stop at the newline or a NUL. No
 * whitespace, no underscores; `inf`, `infinity` and `nan` in any case with a sign; a finite
 * literal too large for a double raises OverflowError.
 */
export function parseFloatArg(line: Uint8Array): ArgResult<number> {
  if (line.length === 0) return fail("empty line");
  const end = cLength(line);
  let i = 0;
  if (line[i] === 0x2b || line[i] === 0x2d) i++;
  const isDigit = (at: number): boolean => at < end && (line[at] as number) >= 0x30 && (line[at] as number) <= 0x39;
  let mantissa = 0;
  while (isDigit(i)) {
    i++;
    mantissa++;
  }
  if (i < end && line[i] === 0x2e) {
    i++;
    while (isDigit(i)) {
      i++;
      mantissa++;
    }
  }
  let value: number;
  if (mantissa > 0) {
    if (i < end && ((line[i] as number) | 0x20) === 0x65) {
      let j = i + 1;
      if (j < end && (line[j] === 0x2b || line[j] === 0x2d)) j++;
      if (isDigit(j)) {
        while (isDigit(j)) j++;
        i = j;
      }
    }
    value = Number(latin1.decode(line.subarray(0, i)));
    if (!Number.isFinite(value)) return fail("value too large to convert to float");
  } else {
    const negative = line[0] === 0x2d;
    i = line[0] === 0x2b || line[0] === 0x2d ? 1 : 0;
    if (matchesLower(line, i, "inf")) {
      i += 3;
      if (matchesLower(line, i, "inity")) i += 5;
      value = negative ? -Infinity : Infinity;
    } else if (matchesLower(line, i, "nan")) {
      i += 3;
      value = NaN;
    } else return fail("could not convert string to float");
  }
  if (i !== line.length && line[i] !== 0) return fail("could not convert string to float");
  return ok(value);
}

/**
 * STRING (`load_string`): the line must start and end with the same quote; the body is decoded
 * by `PyBytes_DecodeEscape` (a trailing backslash and a bad `\x` escape raise; unknown escapes
 * stay as written). CPython then decodes the bytes as ASCII by default and raises on anything
 * else; callers that pass `encoding='latin1'` (numpy, torch) accept it, so it is kept as latin-1.
 */
export function parseStringArg(line: Uint8Array): ArgResult<string> {
  const n = line.length;
  const q = line[0];
  if (n < 2 || (q !== 0x27 && q !== 0x22) || line[n - 1] !== q) return fail("the STRING opcode argument must be quoted");
  const out: number[] = [];
  let chunk = "";
  const end = n - 1;
  for (let i = 1; i < end; ) {
    const c = line[i++] as number;
    if (c !== 0x5c) {
      out.push(c);
    } else {
      if (i === end) return fail("Trailing \\ in string");
      const e = line[i++] as number;
      switch (e) {
        case 0x0a:
          break;
        case 0x5c:
        case 0x27:
        case 0x22:
          out.push(e);
          break;
        case 0x62:
          out.push(0x08);
          break;
        case 0x66:
          out.push(0x0c);
          break;
        case 0x74:
          out.push(0x09);
          break;
        case 0x6e:
          out.push(0x0a);
          break;
        case 0x72:
          out.push(0x0d);
          break;
        case 0x76:
          out.push(0x0b);
          break;
        case 0x61:
          out.push(0x07);
          break;
        case 0x78: {
          const d1 = i + 1 < end ? digitValue(line[i] as number) : 99;
          const d2 = i + 1 < end ? digitValue(line[i + 1] as number) : 99;
          if (d1 >= 16 || d2 >= 16) return fail("invalid \\x escape");
          out.push(d1 * 16 + d2);
          i += 2;
          break;
        }
        default:
          if (e >= 0x30 && e <= 0x37) {
            let v = e - 0x30;
            for (let k = 0; k < 2 && i < end && (line[i] as number) >= 0x30 && (line[i] as number) <= 0x37; k++) v = v * 8 + (line[i++] as number) - 0x30;
            out.push(v & 0xff);
          } else {
            out.push(0x5c);
            i--; // an unknown escape keeps its backslash; the next byte is read as itself
          }
      }
    }
    if (out.length >= 4096) chunk += flush(out);
  }
  return ok(chunk + flush(out));
}

/** Turns collected char codes into a string in bounded pieces (no spread of an unbounded array). */
function flush(codes: number[]): string {
  let text = "";
  for (let i = 0; i < codes.length; i += 4096) text += String.fromCharCode.apply(null, codes.slice(i, i + 4096));
  codes.length = 0;
  return text;
}

/**
 * UNICODE (`load_unicode`): `raw-unicode-escape`. Only `\uXXXX` and `\UXXXXXXXX` after an odd
 * number of backslashes are escapes; a short or out-of-range escape raises. Other bytes are
 * code points (latin-1).
 */
export function parseUnicodeArg(line: Uint8Array): ArgResult<string> {
  let text = "";
  const codes: number[] = [];
  const n = line.length;
  for (let i = 0; i < n; ) {
    const c = line[i] as number;
    if (c !== 0x5c) {
      codes.push(c);
      i++;
    } else {
      const from = i;
      while (i < n && line[i] === 0x5c) {
        codes.push(0x5c);
        i++;
      }
      const u = line[i];
      if (((i - from) & 1) === 1 && (u === 0x75 || u === 0x55)) {
        codes.pop();
        let count = u === 0x75 ? 4 : 8;
        i++;
        let cp = 0;
        for (; count > 0 && i < n; count--, i++) {
          const d = digitValue(line[i] as number);
          if (d >= 16) return fail(u === 0x75 ? "truncated \\uXXXX escape" : "truncated \\UXXXXXXXX escape");
          cp = cp * 16 + d;
        }
        if (count > 0) return fail(u === 0x75 ? "truncated \\uXXXX escape" : "truncated \\UXXXXXXXX escape");
        if (cp > 0x10ffff) return fail("\\Uxxxxxxxx out of range");
        if (cp > 0xffff) {
          text += flush(codes) + String.fromCodePoint(cp);
          continue;
        }
        codes.push(cp);
      }
    }
    if (codes.length >= 4096) text += flush(codes);
  }
  return ok(text + flush(codes));
}

/** GLOBAL lines up to this length that are plain ASCII are read as char codes (see parseGlobalLine). */
const SHORT_ASCII_LINE = 256;

function isAscii(line: Uint8Array): boolean {
  for (let i = 0; i < line.length; i++) if ((line[i] as number) >= 0x80) return false;
  return true;
}

/** GLOBAL lines (`load_global`): strict UTF-8, and neither line may be empty. */
export function parseGlobalLine(line: Uint8Array): ArgResult<string> {
  if (line.length === 0) return fail("empty line");
  // Module and class names are short and ASCII: read those without the decoder's native call.
  if (line.length <= SHORT_ASCII_LINE && isAscii(line)) return ok(String.fromCharCode.apply(null, line as unknown as number[]));
  try {
    return ok(strictUtf8.decode(line));
  } catch {
    return fail("not UTF-8");
  }
}

/** INST lines (`load_inst`) and PERSID (`load_persid`): strict ASCII. */
export function parseAsciiLine(line: Uint8Array, allowEmpty: boolean): ArgResult<string> {
  if (line.length === 0 && !allowEmpty) return fail("empty line");
  if (!isAscii(line)) return fail("not ASCII");
  return ok(latin1.decode(line));
}
