import type { ByteSource } from "../../core/byte-source.js";
import { readDescr, shapeDims } from "./dtype.js";
import { dictGet, parsePyLiteral, renderLiteral, type PyLiteral } from "./literal.js";
import { NPY_MAGIC, hasNpyMagic } from "./sniff.js";
import type { NpyDocument, NpyProblem } from "./types.js";

export { NPY_MAGIC, hasNpyMagic };

/** numpy.load refuses longer headers unless the caller raises max_header_size (numpy >= 1.24). */
export const NUMPY_MAX_HEADER_SIZE = 10_000;
/** Longest header we read at all: far past numpy's limit, small enough to hold (CWE-770). */
export const MAX_HEADER_BYTES = 1024 * 1024;
/** numpy pads the header so the data starts on this boundary (format.py ARRAY_ALIGN). */
const ARRAY_ALIGN = 64;
const KEYS = ["descr", "fortran_order", "shape"];


/**
 * Reads a `.npy` header the way numpy.load does (format.py `read_magic`,
 * `_read_array_header`), without evaluating it, and measures the data against it. Only the
 * header is read; the array bytes are never touched.
 *
 * @example
 * const doc = await readNpy(new MemorySource(bytes));
 * doc.objectArray; // true when the data is a pickle
 */
export async function readNpy(source: ByteSource): Promise<NpyDocument> {
  const doc: NpyDocument = { format: "numpy", size: source.size, version: "?", headerLength: 0, dataOffset: source.size, objectArray: false, pickleGuess: false, dataBytes: 0, problems: [], unusual: [] };
  const problem = (p: NpyProblem): void => void doc.problems.push(p);
  // format.py: magic (6) + major (1) + minor (1) + header length (u16 for 1.0, u32 for 2.0/3.0)
  const fixed = await source.read(0, Math.min(12, source.size));
  if (fixed.length < 10) {
    problem({ code: "header-truncated", message: `File of ${source.size} bytes ends inside the .npy preamble`, offset: 0 });
    return doc;
  }
  const major = fixed[6] as number;
  const minor = fixed[7] as number;
  doc.version = `${major}.${minor}`;
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    problem({ code: "unsupported-version", message: `.npy format version ${doc.version} is not 1.0, 2.0 or 3.0; numpy.load refuses it`, offset: 6 });
    return doc;
  }
  const lengthBytes = major === 1 ? 2 : 4;
  if (fixed.length < 8 + lengthBytes) {
    problem({ code: "header-truncated", message: `File of ${source.size} bytes ends inside the header length field`, offset: 8 });
    return doc;
  }
  const view = new DataView(fixed.buffer, fixed.byteOffset, fixed.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  doc.headerLength = headerLength;
  doc.dataOffset = headerStart + headerLength;
  if (doc.dataOffset > source.size) {
    doc.dataOffset = source.size;
    problem({ code: "header-truncated", message: `Header declares ${headerLength} bytes but the file ends after ${source.size - headerStart}`, offset: 8 });
    return doc;
  }
  doc.dataBytes = source.size - doc.dataOffset;
  if (headerLength > MAX_HEADER_BYTES) {
    problem({ code: "header-too-long", message: `Header of ${headerLength} bytes is longer than ${MAX_HEADER_BYTES}; not read (numpy refuses headers over ${NUMPY_MAX_HEADER_SIZE} bytes by default)`, offset: 8 });
    return doc;
  }
  if (headerLength > NUMPY_MAX_HEADER_SIZE) {
    problem({ code: "header-too-long", message: `Header of ${headerLength} bytes is longer than the ${NUMPY_MAX_HEADER_SIZE} numpy.load accepts by default`, offset: 8 });
  }
  const text = decodeHeader(await source.read(headerStart, headerLength), major);
  if (text === undefined) {
    problem({ code: "header-encoding", message: "Version 3.0 header is not valid UTF-8", offset: headerStart });
    return doc;
  }
  doc.headerText = text.trimEnd();
  if (!text.endsWith("\n")) doc.unusual.push("header does not end with a newline");
  if (doc.dataOffset % ARRAY_ALIGN !== 0 && doc.dataOffset % 16 !== 0) doc.unusual.push(`data starts at offset ${doc.dataOffset}, not on numpy's alignment`);
  readHeaderDict(doc, text, headerStart);
  measureData(doc);
  return doc;
}

function decodeHeader(bytes: Uint8Array, major: number): string | undefined {
  if (major < 3) return new TextDecoder("latin1").decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined; // TextDecoder reports invalid UTF-8 only by throwing
  }
}

function readHeaderDict(doc: NpyDocument, text: string, headerStart: number): void {
  const parsed = parsePyLiteral(text);
  if (!parsed.ok) {
    doc.problems.push({
      code: "header-not-literal",
      message: `Header is not a Python literal (${parsed.error} at header offset ${parsed.at}); numpy.load refuses it`,
      offset: headerStart + parsed.at,
      evidence: text.trimEnd().slice(0, 200),
    });
    return;
  }
  const dict = parsed.value;
  if (dict.kind !== "dict") {
    doc.problems.push({ code: "header-values", message: "Header is not a dict; numpy.load refuses it", offset: headerStart, evidence: renderLiteral(dict) });
    return;
  }
  const keys = dict.entries.map(([k]) => (k.kind === "str" ? k.value : renderLiteral(k)));
  if (keys.length !== KEYS.length || !KEYS.every((k) => keys.includes(k))) {
    doc.problems.push({ code: "header-keys", message: `Header keys are ${JSON.stringify(keys)}, not exactly ${JSON.stringify(KEYS)}; numpy.load refuses it`, offset: headerStart, evidence: renderLiteral(dict) });
  }
  readDescrField(doc, dictGet(dict, "descr"), headerStart);
  const fortran = dictGet(dict, "fortran_order");
  if (fortran?.kind === "bool") doc.fortranOrder = fortran.value;
  else if (fortran !== undefined) doc.problems.push({ code: "header-values", message: `fortran_order is ${renderLiteral(fortran)}, not True or False`, offset: headerStart });
  const shape = dictGet(dict, "shape");
  const dims = shape === undefined ? undefined : shapeDims(shape);
  if (dims !== undefined) doc.shape = dims;
  else if (shape !== undefined) doc.problems.push({ code: "header-values", message: `shape is ${renderLiteral(shape)}, not a tuple of non-negative integers`, offset: headerStart });
}

function readDescrField(doc: NpyDocument, descr: PyLiteral | undefined, headerStart: number): void {
  if (descr === undefined) return;
  doc.descr = renderLiteral(descr);
  const dtype = readDescr(descr);
  doc.dtype = dtype;
  doc.objectArray = dtype.hasObject;
  if (dtype.problem !== undefined) doc.problems.push({ code: "dtype", message: `Cannot read the dtype: ${dtype.problem}`, offset: headerStart, evidence: doc.descr });
  if (dtype.unusual !== undefined) doc.unusual.push(dtype.unusual);
}

/** Compares the data length with prod(shape) * itemsize (numpy reads exactly that many bytes). */
function measureData(doc: NpyDocument): void {
  const itemsize = doc.dtype?.itemsize;
  if (doc.objectArray || itemsize === undefined || doc.shape === undefined) return;
  let count = 1;
  for (const d of doc.shape) count *= d;
  const expected = count * itemsize;
  if (!Number.isSafeInteger(expected)) {
    doc.problems.push({ code: "data-short", message: `Shape ${JSON.stringify(doc.shape)} of ${itemsize}-byte items needs more than 2^53 bytes`, offset: doc.dataOffset });
    return;
  }
  doc.expectedDataBytes = expected;
  if (doc.dataBytes < expected) {
    doc.problems.push({ code: "data-short", message: `Array needs ${expected} bytes (shape ${JSON.stringify(doc.shape)} x ${itemsize}) but only ${doc.dataBytes} follow the header; numpy.load fails`, offset: doc.dataOffset });
  } else if (doc.dataBytes > expected) {
    doc.problems.push({ code: "data-long", message: `${doc.dataBytes - expected} bytes follow the array data (offset ${doc.dataOffset + expected}); numpy.load ignores them`, offset: doc.dataOffset + expected });
  }
}
