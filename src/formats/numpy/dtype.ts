import { renderLiteral, type PyLiteral } from "./literal.js";

/** What a `.npy` `descr` says about each element. */
export interface DtypeInfo {
  /** Bytes per element; undefined when the descr is valid-looking but not one we can size. */
  itemsize: number | undefined;
  /** Object fields anywhere: the array data is a pickle (numpy `dtype.hasobject`). */
  hasObject: boolean;
  /** Named fields of a structured dtype (0 for plain dtypes). */
  fields: number;
  /** Why the descr cannot be read (numpy refuses it, or it is a form we do not size). */
  problem?: string;
  /** Why the descr, though numpy accepts it, is not what numpy writes. */
  unusual?: string;
}

/** Fields in one structured dtype: numpy itself stops far below this (CWE-770). */
export const MAX_DTYPE_FIELDS = 4096;
/** Structured dtypes nested inside each other (CWE-674). */
export const MAX_DTYPE_DEPTH = 16;

/** Bytes per element for numpy's one-letter type codes (`numpy.sctypeDict`, 64-bit Linux sizes). */
const CHAR_CODES: Record<string, number> = {
  "?": 1, b: 1, B: 1, h: 2, H: 2, i: 4, I: 4, l: 8, L: 8, q: 8, Q: 8, p: 8, P: 8,
  e: 2, f: 4, d: 8, g: 16, F: 8, D: 16, G: 32, O: 8, M: 8, m: 8,
};

/** Names numpy.dtype() also accepts, the ones a writer may plausibly use. */
const NAMED: Record<string, number> = {
  bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8,
  float16: 2, float32: 4, float64: 8, complex64: 8, complex128: 16, object: 8, int: 8, float: 8, complex: 16,
};

/** Array-protocol kinds (`dtype.str`) whose digits are the byte size (U counts characters). */
const SIZED_KINDS = new Set(["b", "i", "u", "f", "c", "m", "M", "O", "S", "a", "U", "V"]);

const TYPESTR = /^([<>|=!]?)([A-Za-z?])(\d*)(\[[A-Za-z0-9]+\])?$/;

/**
 * Reads a `descr` the way numpy's `descr_to_dtype` does (numpy/lib/format.py): a type string,
 * a `(base, shape)` sub-array, or a list of `(name, format[, shape])` fields where `''`-named
 * void fields are padding that still takes space.
 */
export function readDescr(descr: PyLiteral, depth = 0): DtypeInfo {
  if (depth > MAX_DTYPE_DEPTH) return bad(`structured dtype nests deeper than ${MAX_DTYPE_DEPTH} levels`);
  if (descr.kind === "str") return readTypestr(descr.value);
  if (descr.kind === "tuple" && descr.items.length === 2) {
    const base = readDescr(descr.items[0] as PyLiteral, depth + 1);
    const count = shapeProduct(descr.items[1] as PyLiteral, true);
    if (count === undefined) return { ...base, itemsize: undefined, problem: base.problem ?? `sub-array shape ${renderLiteral(descr.items[1] as PyLiteral)} is not a tuple of sizes` };
    return scaled(base, count);
  }
  if (descr.kind === "list") return readFields(descr.items, depth);
  return bad(`descr ${renderLiteral(descr)} is neither a type string nor a list of fields`);
}

function readFields(items: PyLiteral[], depth: number): DtypeInfo {
  if (items.length > MAX_DTYPE_FIELDS) return bad(`structured dtype has ${items.length} fields, more than ${MAX_DTYPE_FIELDS}`);
  let itemsize: number | undefined = 0;
  let hasObject = false;
  let problem: string | undefined;
  let unusual: string | undefined;
  const names = new Set<string>();
  for (const field of items) {
    if ((field.kind !== "tuple" && field.kind !== "list") || field.items.length < 2 || field.items.length > 3) {
      return { itemsize: undefined, hasObject, fields: names.size, problem: `field ${renderLiteral(field)} is not (name, format) or (name, format, shape)` };
    }
    const [nameLit, format, shape] = field.items as [PyLiteral, PyLiteral, PyLiteral | undefined];
    const name = fieldName(nameLit);
    if (name === undefined) problem ??= `field name ${renderLiteral(nameLit)} is not a string or (title, name)`;
    else if (name !== "" && names.has(name)) problem ??= `field name ${JSON.stringify(name)} repeats`;
    else if (name !== "") names.add(name);
    let info = readDescr(format, depth + 1);
    if (shape !== undefined) {
      const count = shapeProduct(shape, true);
      info = count === undefined ? { ...info, itemsize: undefined, problem: info.problem ?? `field shape ${renderLiteral(shape)} is not a tuple of sizes` } : scaled(info, count);
    }
    hasObject ||= info.hasObject;
    problem ??= info.problem;
    unusual ??= info.unusual;
    itemsize = itemsize === undefined || info.itemsize === undefined ? undefined : itemsize + info.itemsize;
  }
  const out: DtypeInfo = { itemsize, hasObject, fields: names.size };
  if (problem !== undefined) out.problem = problem;
  if (unusual !== undefined) out.unusual = unusual;
  return out;
}

function fieldName(lit: PyLiteral): string | undefined {
  if (lit.kind === "str") return lit.value;
  if (lit.kind === "tuple" && lit.items.length === 2 && lit.items[1]?.kind === "str") return lit.items[1].value;
  return undefined;
}

/** A type string such as `<f8`, `|O`, `<U10`, `<M8[ns]`, or a numpy name such as `float64`. */
export function readTypestr(text: string): DtypeInfo {
  const named = NAMED[text];
  if (named !== undefined) return { itemsize: named, hasObject: text === "object", fields: 0, unusual: `descr ${JSON.stringify(text)} is a dtype name, not the type string numpy writes` };
  const m = TYPESTR.exec(text);
  if (!m) return bad(`descr ${JSON.stringify(text.slice(0, 60))} is not a numpy type string`);
  const kind = m[2] as string;
  const digits = m[3] as string;
  const hasObject = kind === "O";
  if (digits === "") {
    const size = CHAR_CODES[kind];
    return size === undefined ? bad(`descr ${JSON.stringify(text)} has no size`, hasObject) : { itemsize: size, hasObject, fields: 0 };
  }
  if (!SIZED_KINDS.has(kind)) return bad(`descr ${JSON.stringify(text)} has an unknown kind ${JSON.stringify(kind)}`, hasObject);
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) return bad(`descr ${JSON.stringify(text.slice(0, 60))} has an impossible size`, hasObject);
  return { itemsize: kind === "U" ? n * 4 : n, hasObject, fields: 0 };
}

function bad(problem: string, hasObject = false): DtypeInfo {
  return { itemsize: undefined, hasObject, fields: 0, problem };
}

function scaled(info: DtypeInfo, count: number): DtypeInfo {
  const itemsize = info.itemsize === undefined ? undefined : info.itemsize * count;
  return { ...info, itemsize: itemsize !== undefined && Number.isSafeInteger(itemsize) ? itemsize : undefined };
}

/**
 * The element count of a shape tuple, or undefined when it is not a tuple of non-negative
 * integers or the product passes 2^53. A bare int is a 1-d shape only where numpy allows it
 * (sub-array shapes).
 */
export function shapeProduct(shape: PyLiteral, allowInt = false): number | undefined {
  const dims = shapeDims(shape, allowInt);
  if (dims === undefined) return undefined;
  let count = 1;
  for (const d of dims) count *= d;
  return Number.isSafeInteger(count) ? count : undefined;
}

/** The dimensions of a shape tuple as numbers, or undefined when it is not one. */
export function shapeDims(shape: PyLiteral, allowInt = false): number[] | undefined {
  const items = shape.kind === "tuple" ? shape.items : allowInt && shape.kind === "int" ? [shape] : undefined;
  if (items === undefined) return undefined;
  const dims: number[] = [];
  for (const item of items) {
    if (item.kind !== "int" || item.value < 0n || item.value > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    dims.push(Number(item.value));
  }
  return dims;
}
