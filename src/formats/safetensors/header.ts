import type { ByteSource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import { lookup, type ConfigMap, type ConfigNode } from "../hf-config/config-tree.js";
import { readBytes } from "../hf-config/read-bytes.js";
import { parseJson } from "../json/reader.js";
import { DTYPE_BITS } from "./dtypes.js";
import type { SafetensorsDocument, SafetensorsProblem, SafetensorsProblemKind, SafetensorsTensor } from "./types.js";

import { MAX_HEADER_BYTES } from "./sniff.js";

export { MAX_HEADER_BYTES };
/** Nesting of the header JSON (CWE-674); a valid header nests three levels. */
export const MAX_HEADER_DEPTH = 64;
/** Values in the header JSON (CWE-770): about eight per tensor, so half a million tensors. */
export const MAX_HEADER_NODES = 4_000_000;
/** Problems kept per kind (CWE-770); a header with a million bad tensors needs only a few examples. */
export const MAX_PROBLEMS_PER_KIND = 20;

const U64_MAX = (1n << 64n) - 1n;
const METADATA_KEY = "__metadata__";

export interface SafetensorsRead {
  document: SafetensorsDocument;
  defects: Defect[];
}

/**
 * Reads and validates a safetensors header the way the reference implementation does
 * (`SafeTensors::read_metadata` + `validate`), and stricter: duplicate keys, lone surrogates and
 * non-string metadata are problems too. Reads 8 + N bytes, never tensor data.
 *
 * @example
 * const { document } = await readSafetensors(source);
 * document.problems; // [] for a file written by safetensors.torch.save_file
 */
export async function readSafetensors(source: ByteSource): Promise<SafetensorsRead> {
  const problems = new ProblemList();
  const document: SafetensorsDocument = { fileSize: source.size, headerLength: undefined, tensors: [], metadata: [], problems: problems.items };
  const defects: Defect[] = [];
  if (source.size < 8) {
    problems.add("header-length", `File of ${source.size} bytes is too short for the 8-byte header length`, 0);
    return { document, defects };
  }
  // Offset 0: u64 little-endian N, the length of the JSON header that follows.
  const lengthBytes = await source.read(0, 8);
  const declared = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    problems.add("header-length", `Header length ${declared} exceeds the reference limit ${MAX_HEADER_BYTES} (HeaderTooLarge)`, 0);
    return { document, defects };
  }
  const n = Number(declared);
  document.headerLength = n;
  if (n < 2) {
    problems.add("header-length", `Header length ${n} is too short for a JSON object`, 0);
    return { document, defects };
  }
  if (8 + n > source.size) {
    problems.add("header-length", `Header length ${n} runs past the end of the file (${source.size} bytes)`, 0);
    return { document, defects };
  }
  // Offset 8: N bytes of UTF-8 JSON, which must begin with "{" and may be padded with spaces.
  const header = await readBytes(source, 8, n);
  if (header[0] !== 0x7b) {
    problems.add("header-invalid", `Header does not begin with "{" (byte 0x${(header[0] as number).toString(16).padStart(2, "0")})`, 8);
    return { document, defects };
  }
  const parsed = parseJson(header, { maxDepth: MAX_HEADER_DEPTH, maxNodes: MAX_HEADER_NODES, baseOffset: 8 });
  for (const dup of parsed.duplicates) {
    problems.add("duplicate-key", `Header repeats key ${JSON.stringify(dup.key)}${dup.path ? ` in ${dup.path}` : ""}; loaders keep only one of them`, dup.offset, dup.key);
  }
  if (!parsed.ok) {
    if (parsed.code === "nodes") defects.push(defect("limit-exceeded", `Safetensors header not scanned: ${parsed.message}`, { offset: parsed.offset, limit: "MAX_HEADER_NODES" }));
    else problems.add("header-invalid", `Header is not valid JSON: ${parsed.message} at byte ${parsed.offset}`, parsed.offset);
    return { document, defects };
  }
  if (parsed.loneSurrogates > 0) problems.add("header-invalid", `Header has ${parsed.loneSurrogates} unpaired \\u surrogate escape(s), which the reference JSON parser rejects`, 8);
  if (parsed.value.kind !== "map") {
    problems.add("header-invalid", `Header is a JSON ${parsed.value.kind}, not an object`, 8);
    return { document, defects };
  }
  readEntries(parsed.value, document, problems);
  checkLayout(document, n, problems);
  return { document, defects };
}

/** Tensors and metadata as the reference loader sees them: the last duplicate wins. */
function readEntries(root: ConfigMap, document: SafetensorsDocument, problems: ProblemList): void {
  const last = new Map<string, { node: ConfigNode; offset: number }>();
  for (const entry of root.entries) last.set(entry.key, { node: entry.value, offset: entry.offset ?? 8 });
  for (const [name, { node, offset }] of last) {
    if (name === METADATA_KEY) readMetadata(node, offset, document, problems);
    else {
      const tensor = readTensor(name, node, offset, problems);
      if (tensor) document.tensors.push(tensor);
    }
  }
}

function readMetadata(node: ConfigNode, offset: number, document: SafetensorsDocument, problems: ProblemList): void {
  if (node.kind === "null") return; // Option<HashMap<String, String>>: null is "no metadata".
  if (node.kind !== "map") {
    problems.add("metadata-type", `__metadata__ is a JSON ${node.kind}, expected an object of strings`, offset);
    return;
  }
  for (const entry of node.entries) {
    if (entry.value.kind === "string") document.metadata.push({ key: entry.key, value: entry.value.value, offset: entry.offset ?? offset });
    else problems.add("metadata-type", `__metadata__ value ${JSON.stringify(entry.key)} is a JSON ${entry.value.kind}, expected a string`, entry.offset ?? offset);
  }
}

function readTensor(name: string, node: ConfigNode, offset: number, problems: ProblemList): SafetensorsTensor | undefined {
  const invalid = (what: string): undefined => {
    problems.add("header-invalid", `Tensor ${JSON.stringify(name)}: ${what}`, offset, name);
    return undefined;
  };
  if (node.kind !== "map") return invalid(`entry is a JSON ${node.kind}, expected an object`);
  const dtype = lookup(node, "dtype");
  const shape = lookup(node, "shape");
  const offsets = lookup(node, "data_offsets");
  if (dtype?.kind !== "string") return invalid(`"dtype" is missing or not a string`);
  if (shape?.kind !== "list") return invalid(`"shape" is missing or not a list`);
  if (offsets?.kind !== "list" || offsets.items.length !== 2) return invalid(`"data_offsets" is missing or not a pair`);
  const dims = shape.items.map(usize);
  if (dims.some((d) => d === undefined)) return invalid(`"shape" holds a value that is not an unsigned 64-bit integer`);
  const [begin, end] = offsets.items.map(usize);
  if (begin === undefined || end === undefined) return invalid(`"data_offsets" holds a value that is not an unsigned 64-bit integer`);
  if (!DTYPE_BITS.has(dtype.value)) problems.add("unknown-dtype", `Tensor ${JSON.stringify(name)} has unknown dtype ${JSON.stringify(dtype.value)}`, offset, name);
  return { name, dtype: dtype.value, shape: dims as bigint[], begin, end, offset };
}

/** An unsigned integer that fits usize (u64), written without sign, fraction or exponent. */
function usize(node: ConfigNode): bigint | undefined {
  if (node.kind !== "number" || !/^(0|[1-9][0-9]*)$/.test(node.raw)) return undefined;
  const value = BigInt(node.raw);
  return value <= U64_MAX ? value : undefined;
}

/** Shape × dtype against the byte range, then ordering, gaps, overlaps and the end of the file. */
function checkLayout(document: SafetensorsDocument, headerLength: number, problems: ProblemList): void {
  const ordered: SafetensorsTensor[] = [];
  for (const t of document.tensors) {
    if (t.end < t.begin) {
      problems.add("offsets", `Tensor ${JSON.stringify(t.name)} ends (${t.end}) before it begins (${t.begin})`, t.offset, t.name);
      continue;
    }
    ordered.push(t);
    checkSize(t, problems);
  }
  ordered.sort((a, b) => (a.begin === b.begin ? compare(a.end, b.end) : compare(a.begin, b.begin)));
  let cursor = 0n;
  for (const t of ordered) {
    if (t.begin > cursor) problems.add("offsets", `Bytes ${cursor}..${t.begin} of the data belong to no tensor (gap before ${JSON.stringify(t.name)})`, t.offset, t.name);
    else if (t.begin < cursor) problems.add("offsets", `Tensor ${JSON.stringify(t.name)} (bytes ${t.begin}..${t.end}) overlaps data before byte ${cursor}`, t.offset, t.name);
    if (t.end > cursor) cursor = t.end;
  }
  const dataBytes = BigInt(document.fileSize - 8 - headerLength);
  const dataStart = 8 + headerLength;
  if (cursor > dataBytes) problems.add("truncated-data", `Tensor data should run to byte ${cursor} after the header, but only ${dataBytes} bytes follow it`, dataStart);
  else if (cursor < dataBytes) problems.add("trailing-data", `${dataBytes - cursor} bytes follow the last tensor (from offset ${BigInt(dataStart) + cursor}); the format forbids holes and trailing data`, dataStart + Number(cursor));
}

function checkSize(t: SafetensorsTensor, problems: ProblemList): void {
  const bits = DTYPE_BITS.get(t.dtype);
  if (bits === undefined) return;
  let elements = 1n;
  for (const d of t.shape) {
    elements *= d;
    if (elements > U64_MAX) {
      problems.add("size-mismatch", `Tensor ${JSON.stringify(t.name)} shape [${t.shape.join(", ")}] overflows a 64-bit element count`, t.offset, t.name);
      return;
    }
  }
  const nbits = elements * BigInt(bits);
  if (nbits > U64_MAX) {
    problems.add("size-mismatch", `Tensor ${JSON.stringify(t.name)} shape [${t.shape.join(", ")}] × ${t.dtype} overflows a 64-bit bit count`, t.offset, t.name);
    return;
  }
  if (nbits % 8n !== 0n) {
    problems.add("size-mismatch", `Tensor ${JSON.stringify(t.name)} of ${elements} × ${t.dtype} is ${nbits} bits, not a whole number of bytes (MisalignedSlice)`, t.offset, t.name);
    return;
  }
  const declared = t.end - t.begin;
  if (declared !== nbits / 8n) {
    problems.add("size-mismatch", `Tensor ${JSON.stringify(t.name)} [${t.shape.join(", ")}] ${t.dtype} needs ${nbits / 8n} bytes but data_offsets span ${declared}`, t.offset, t.name);
  }
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Problems, at most {@link MAX_PROBLEMS_PER_KIND} per kind, then one line saying how many more. */
class ProblemList {
  readonly items: SafetensorsProblem[] = [];
  private readonly counts = new Map<SafetensorsProblemKind, number>();

  add(kind: SafetensorsProblemKind, message: string, offset?: number, tensor?: string): void {
    const count = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, count);
    if (count > MAX_PROBLEMS_PER_KIND + 1) return;
    const problem: SafetensorsProblem = count > MAX_PROBLEMS_PER_KIND ? { kind, message: `More problems of this kind follow; only the first ${MAX_PROBLEMS_PER_KIND} are listed` } : { kind, message };
    if (count <= MAX_PROBLEMS_PER_KIND) {
      if (offset !== undefined) problem.offset = offset;
      if (tensor !== undefined) problem.tensor = tensor;
    }
    this.items.push(problem);
  }
}
