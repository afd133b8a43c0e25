import type { ByteSource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import { DEFAULT_ALIGNMENT, FIXED_SIZE, GGML_MAX_DIMS, GGML_MAX_NAME, GGML_TYPES, VALUE_TYPE_NAMES, ValueType } from "./constants.js";
import { Cursor } from "./cursor.js";
import type { GgufDocument, GgufKv, GgufProblemKind, GgufTensorInfo } from "./types.js";

/** KV pairs read (CWE-770); real files have fewer than 100. */
export const MAX_GGUF_KVS = 1_000_000;
/** Tensor infos read (CWE-770); the largest MoE checkpoints have a few thousand. */
export const MAX_GGUF_TENSORS = 1_000_000;
/** Arrays inside arrays walked (CWE-674); gguf-py's reader recursed without bound. Past it, the walk stops. */
export const MAX_GGUF_ARRAY_DEPTH = 4;
/**
 * Array nesting llama.cpp's `gguf_init_from_file_impl` reads: an array whose elements are arrays
 * is an invalid type there and the file does not load. Deeper nesting is reported (GGUF003, not
 * clean) even where the walk can follow it.
 */
export const LLAMA_CPP_MAX_ARRAY_DEPTH = 1;
/** Header bytes walked (CWE-400): vocabularies and merges run to tens of MB, never hundreds. */
export const MAX_GGUF_HEADER_BYTES = 512 * 1024 * 1024;
/** Longest key (the spec's limit: keys are at most 65535 bytes). */
export const MAX_GGUF_KEY_BYTES = 65_535;
/** String values kept as text (CWE-770); longer ones are skipped by length and kept as spans. */
export const MAX_INLINE_STRING_BYTES = 64 * 1024;
/** Dimensions parsed per tensor before giving up (CWE-834); more than GGML_MAX_DIMS is already reported. */
const MAX_PARSE_DIMS = 64;
/** Largest valid tensor info: name length, 63-byte name, n_dims, four u64 dims, type, offset. */
const MAX_TENSOR_INFO_BYTES = 8 + (GGML_MAX_NAME - 1) + 4 + GGML_MAX_DIMS * 8 + 4 + 8;
/** Problems kept per file (CWE-770). */
const MAX_PROBLEMS = 100;
/** Loop iterations between deadline checks. */
const CLOCK_EVERY = 4096;

const MAGIC = [0x47, 0x47, 0x55, 0x46]; // "GGUF"
const TEMPLATE_KEY = /^tokenizer\.chat_template(?:\.[^\s]+)?$/;
const INT64_MAX = (1n << 63n) - 1n;

export interface GgufReadOptions {
  now?: () => number;
  /** Absolute time after which the walk stops with a `timeout` defect. */
  deadline?: number;
}

export interface GgufRead {
  document: GgufDocument;
  defects: Defect[];
}

/**
 * Walks a GGUF v1-v3 header (either byte order) and validates it the way llama.cpp's
 * `gguf_init_from_file_impl` does, and stricter. Reads the header region only: numeric arrays
 * are skipped by length, tensor data is never touched.
 *
 * @example
 * const { document } = await readGguf(source);
 * document.templates; // [{ key: "tokenizer.chat_template", offset: 1234, length: 567 }]
 */
export async function readGguf(source: ByteSource, options: GgufReadOptions = {}): Promise<GgufRead> {
  const parser = new GgufParser(source, options);
  await parser.run();
  return { document: parser.document, defects: parser.defects };
}

class GgufParser {
  readonly document: GgufDocument = {
    version: 0,
    littleEndian: true,
    tensorCount: 0n,
    kvCount: 0n,
    kvs: [],
    tensors: [],
    alignment: DEFAULT_ALIGNMENT,
    dataOffset: undefined,
    templates: [],
    problems: [],
    complete: false,
  };
  readonly defects: Defect[] = [];
  private c!: Cursor;
  private v1 = false;
  private ticks = 0;
  private timedOut = false;
  private nestedReported = false;
  private readonly keys = new Set<string>();
  private readonly tensorNames = new Set<string>();

  constructor(
    private readonly source: ByteSource,
    private readonly options: GgufReadOptions,
  ) {}

  async run(): Promise<void> {
    const doc = this.document;
    if (this.source.size < 8) return this.problem("structure", `File of ${this.source.size} bytes is too short for a GGUF header`, 0);
    const head = await this.source.read(0, 8);
    if (!MAGIC.every((b, i) => head[i] === b)) return this.problem("structure", "File does not start with the GGUF magic", 0);
    // Offset 4: u32 version. A big-endian file reads as version << 24 in little-endian (@huggingface/gguf's test).
    const raw = new DataView(head.buffer, head.byteOffset, 8).getUint32(4, true);
    doc.littleEndian = !((raw & 0xffff) === 0 && raw !== 0);
    doc.version = doc.littleEndian ? raw : new DataView(head.buffer, head.byteOffset, 8).getUint32(4, false);
    if (doc.version < 1 || doc.version > 3) return this.problem("structure", `Unsupported GGUF version ${doc.version} (expected 1 to 3)`, 4);
    this.v1 = doc.version === 1;
    this.c = new Cursor(this.source, doc.littleEndian, MAX_GGUF_HEADER_BYTES, 8);
    // Offset 8: tensor_count, metadata_kv_count (u32 in v1, u64 from v2).
    if (!(await this.need(this.v1 ? 8 : 16, "the tensor and KV counts"))) return;
    doc.tensorCount = this.count();
    doc.kvCount = this.count();
    if (!this.countsFit()) return;
    for (let i = 0n; i < doc.kvCount; i++) if (!(await this.kv()) || !this.clock()) return;
    // A valid tensor info takes at most MAX_TENSOR_INFO_BYTES: read no further than the infos can reach.
    this.c.expectEndBy(this.c.pos + Number(doc.tensorCount) * MAX_TENSOR_INFO_BYTES);
    for (let i = 0n; i < doc.tensorCount; i++) if (!(await this.tensorInfo()) || !this.clock()) return;
    doc.complete = true;
    this.checkAlignment();
    doc.dataOffset = alignUp(this.c.pos, doc.alignment);
    this.checkTensors(doc.dataOffset);
  }

  /** Counts against the bytes they need (each KV takes ≥ 13 bytes, each tensor info ≥ 24) and our limits. */
  private countsFit(): boolean {
    const { kvCount, tensorCount } = this.document;
    const minKv = this.v1 ? 9n : 13n;
    const minTensor = this.v1 ? 20n : 24n;
    const needed = kvCount * minKv + tensorCount * minTensor;
    if (needed > BigInt(this.c.remaining)) {
      this.problem("structure", `Header declares ${kvCount} KV pairs and ${tensorCount} tensors, which need at least ${needed} bytes; only ${this.c.remaining} remain`, 8);
      return false;
    }
    if (kvCount > BigInt(MAX_GGUF_KVS) || tensorCount > BigInt(MAX_GGUF_TENSORS)) {
      const which = kvCount > BigInt(MAX_GGUF_KVS) ? `KV count ${kvCount} exceeds limit ${MAX_GGUF_KVS}` : `tensor count ${tensorCount} exceeds limit ${MAX_GGUF_TENSORS}`;
      this.defects.push(defect("limit-exceeded", `Cannot parse GGUF header: ${which}`, { offset: 8, limit: kvCount > BigInt(MAX_GGUF_KVS) ? "MAX_GGUF_KVS" : "MAX_GGUF_TENSORS" }));
      return false;
    }
    return true;
  }

  private async kv(): Promise<boolean> {
    const at = this.c.pos;
    const key = await this.string("key", MAX_GGUF_KEY_BYTES);
    if (key === undefined) return false;
    let name = key.text ?? `<key of ${key.length} bytes>`;
    if (key.length > MAX_GGUF_KEY_BYTES) this.problem("structure", `Key at offset ${at} is ${key.length} bytes long; keys are at most ${MAX_GGUF_KEY_BYTES}`, at);
    else if (key.length === 0) this.problem("structure", `Empty key at offset ${at}`, at);
    else if (key.invalid) {
      this.problem("structure", `Key at offset ${at} is not valid UTF-8`, at);
      name = key.text ?? name;
    }
    if (key.text !== undefined) {
      if (this.keys.has(name)) this.problem("duplicate", `Key ${JSON.stringify(name)} appears more than once (offset ${at})`, at);
      this.keys.add(name);
    }
    if (!(await this.need(4, `the type of key ${JSON.stringify(name)}`))) return false;
    const typeAt = this.c.pos;
    const type = this.c.u32();
    if (!isValueType(type)) {
      this.problem("type-enum", `Key ${JSON.stringify(name)} has value type ${type}, which is not a GGUF type (0-12)`, typeAt);
      return false;
    }
    const kv: GgufKv = { key: name, type, offset: at };
    this.document.kvs.push(kv);
    return this.value(type, 0, kv);
  }

  /** A value of `type`; `kv` is set for top-level values, whose content is kept. */
  private async value(type: number, depth: number, kv: GgufKv | undefined): Promise<boolean> {
    const c = this.c;
    const size = FIXED_SIZE.get(type);
    if (size !== undefined) {
      if (!(c.has(size) || (await this.need(size, "a value")))) return false;
      const at = c.pos;
      const value = c.scalar(type);
      if (type === ValueType.BOOL && value !== 0 && value !== 1) this.problem("structure", `BOOL value ${String(value)} at offset ${at}${kv ? ` (key ${JSON.stringify(kv.key)})` : ""}; only 0 and 1 are valid`, at);
      if (kv) kv.value = type === ValueType.BOOL ? value === 1 : value;
      return true;
    }
    if (type === ValueType.STRING) {
      const s = await this.string(kv ? `the value of ${JSON.stringify(kv.key)}` : "a string", kv ? MAX_INLINE_STRING_BYTES : -1);
      if (s === undefined) return false;
      if (kv) {
        if (s.text !== undefined) kv.value = s.text;
        kv.stringSpan = { offset: s.offset, length: s.length };
        if (depth === 0 && TEMPLATE_KEY.test(kv.key)) this.document.templates.push({ key: kv.key, offset: s.offset, length: s.length });
      }
      return true;
    }
    return this.array(depth, kv);
  }

  private async array(depth: number, kv: GgufKv | undefined): Promise<boolean> {
    const c = this.c;
    const at = c.pos;
    const lengthSize = this.v1 ? 4 : 8;
    if (!(c.has(4 + lengthSize) || (await this.need(4 + lengthSize, "an array header")))) return false;
    const elementType = c.u32();
    const count = this.count();
    const where = kv ? ` (key ${JSON.stringify(kv.key)})` : "";
    if (!isValueType(elementType)) {
      this.problem("type-enum", `Array at offset ${at}${where} has element type ${elementType}, which is not a GGUF type (0-12)`, at);
      return false;
    }
    if (depth + 1 > MAX_GGUF_ARRAY_DEPTH) {
      this.problem("array-depth", `Array at offset ${at}${where} is nested ${depth + 1} deep; limit ${MAX_GGUF_ARRAY_DEPTH} (MAX_GGUF_ARRAY_DEPTH), not read further`, at);
      return false;
    }
    if (depth + 1 === LLAMA_CPP_MAX_ARRAY_DEPTH + 1 && !this.nestedReported) {
      // Once per file: a million inner arrays must not crowd other problems out of the list.
      this.nestedReported = true;
      this.problem("array-depth", `Array at offset ${at} is an element of an array; llama.cpp reads arrays ${LLAMA_CPP_MAX_ARRAY_DEPTH} deep at most and refuses the file (gguf-py reads it)`, at);
    }
    const fixed = FIXED_SIZE.get(elementType);
    const minElement = BigInt(fixed ?? (elementType === ValueType.STRING ? lengthSize : 4 + lengthSize));
    if (count * minElement > BigInt(c.remaining)) {
      this.problem("structure", `Array at offset ${at}${where} declares ${count} ${VALUE_TYPE_NAMES[elementType]} elements, more than the ${c.remaining} bytes left can hold`, at);
      return false;
    }
    if (kv && depth === 0) {
      kv.arrayType = elementType;
      kv.arrayLength = count;
    }
    if (fixed !== undefined) {
      c.skip(Number(count) * fixed);
      return true;
    }
    const n = Number(count);
    for (let i = 0; i < n; i++) {
      if (elementType === ValueType.STRING) {
        // The strings left each have a length field at least: that much header is certain.
        c.certainUntil(c.pos + (n - i) * lengthSize);
        if ((await this.string("an array string", -1)) === undefined) return false;
      } else if (!(await this.array(depth + 1, undefined))) return false;
      if ((i & (CLOCK_EVERY - 1)) === 0 && !this.clock()) return false;
    }
    return true;
  }

  private async tensorInfo(): Promise<boolean> {
    const c = this.c;
    const at = c.pos;
    const name = await this.string("a tensor name", MAX_GGUF_KEY_BYTES);
    if (name === undefined) return false;
    const label = name.text ?? `<name of ${name.length} bytes>`;
    if (name.length >= GGML_MAX_NAME) this.problem("tensor-info", `Tensor name at offset ${at} is ${name.length} bytes; ggml names hold at most ${GGML_MAX_NAME - 1}`, at);
    if (!(await this.need(4, `the dimension count of ${JSON.stringify(label)}`))) return false;
    const nDims = c.u32();
    const dimSize = this.v1 ? 4 : 8;
    if (nDims > GGML_MAX_DIMS) this.problem("tensor-info", `Tensor ${JSON.stringify(label)} has ${nDims} dimensions; ggml allows ${GGML_MAX_DIMS}`, at);
    if (nDims > MAX_PARSE_DIMS || nDims * dimSize + 12 > c.remaining) {
      this.problem("structure", `Tensor ${JSON.stringify(label)} declares ${nDims} dimensions, more than the header can hold`, at);
      return false;
    }
    if (!(await this.need(nDims * dimSize + 12, `the tensor info of ${JSON.stringify(label)}`))) return false;
    const dims: bigint[] = [];
    for (let i = 0; i < nDims; i++) dims.push(this.v1 ? BigInt(c.u32()) : c.u64());
    const typeAt = c.pos;
    const type = c.u32();
    const offset = c.u64();
    if (!GGML_TYPES.has(type)) this.problem("type-enum", `Tensor ${JSON.stringify(label)} has ggml type ${type}, which is not a defined type`, typeAt);
    if (name.text !== undefined) {
      if (this.tensorNames.has(label)) this.problem("duplicate", `Tensor name ${JSON.stringify(label)} appears more than once (offset ${at})`, at);
      this.tensorNames.add(label);
    }
    this.document.tensors.push({ name: label, dims, type, offset, at });
    return true;
  }

  /** `general.alignment` must be a UINT32 power of two (llama.cpp divides and masks by it). */
  private checkAlignment(): void {
    const kv = [...this.document.kvs].reverse().find((k) => k.key === "general.alignment");
    if (kv === undefined) return;
    const value = typeof kv.value === "number" || typeof kv.value === "bigint" ? BigInt(kv.value) : undefined;
    if (kv.type !== ValueType.UINT32) this.problem("alignment", `general.alignment is ${VALUE_TYPE_NAMES[kv.type] ?? kv.type}, expected UINT32`, kv.offset);
    else if (value === undefined || value === 0n || (value & (value - 1n)) !== 0n) this.problem("alignment", `general.alignment ${String(kv.value)} is not a power of two`, kv.offset);
    else this.document.alignment = Number(value);
  }

  /** Offsets aligned and packed in order (llama.cpp requires both), sizes within the file. */
  private checkTensors(dataOffset: number): void {
    const align = BigInt(this.document.alignment);
    const fileSize = BigInt(this.source.size);
    let expected = 0n;
    let reportedOrder = false;
    for (const t of this.document.tensors) {
      const where = `Tensor ${JSON.stringify(t.name)}`;
      if (t.offset % align !== 0n) this.problem("tensor-info", `${where} offset ${t.offset} is not a multiple of the alignment ${align}`, t.at);
      if (t.offset !== expected && !reportedOrder) {
        this.problem("tensor-info", `${where} offset ${t.offset}, expected ${expected}: tensors must be packed in order`, t.at);
        reportedOrder = true;
      }
      const bytes = this.tensorBytes(t);
      if (bytes === undefined) {
        expected = t.offset;
        continue;
      }
      const end = BigInt(dataOffset) + t.offset + bytes;
      if (end > fileSize) this.problem("tensor-info", `${where} (${bytes} bytes at data offset ${t.offset}) ends at byte ${end}, past the end of the file (${fileSize})`, t.at);
      expected = t.offset + alignUpBig(bytes, align);
    }
  }

  /** Bytes of a tensor's data, or undefined (after reporting) when its shape or type cannot give one. */
  private tensorBytes(t: GgufTensorInfo): bigint | undefined {
    const type = GGML_TYPES.get(t.type);
    if (type === undefined) return undefined;
    let elements = 1n;
    for (const d of t.dims) {
      if (d > INT64_MAX) {
        this.problem("tensor-info", `Tensor ${JSON.stringify(t.name)} dimension ${d} does not fit int64`, t.at);
        return undefined;
      }
      elements *= d;
      if (elements > INT64_MAX) {
        this.problem("tensor-info", `Tensor ${JSON.stringify(t.name)} shape [${t.dims.join(", ")}] overflows int64`, t.at);
        return undefined;
      }
    }
    const first = t.dims[0] ?? 1n;
    if (first % BigInt(type.block) !== 0n) {
      this.problem("tensor-info", `Tensor ${JSON.stringify(t.name)} row of ${first} elements is not a multiple of the ${type.name} block size ${type.block}`, t.at);
      return undefined;
    }
    return (elements / BigInt(type.block)) * BigInt(type.bytes);
  }

  /** A length-prefixed string; text kept when it is at most `keepText` bytes (-1: never). */
  private async string(what: string, keepText: number): Promise<{ length: number; offset: number; text?: string; invalid?: boolean } | undefined> {
    const c = this.c;
    const lengthSize = this.v1 ? 4 : 8;
    const at = c.pos;
    if (!(c.has(lengthSize) || (await this.need(lengthSize, `the length of ${what}`)))) return undefined;
    const declared = this.v1 ? BigInt(c.u32()) : c.u64();
    if (declared > BigInt(c.remaining)) {
      this.problem("structure", `Length ${declared} of ${what} at offset ${at} runs past the end of the file (${c.remaining} bytes left)`, at);
      return undefined;
    }
    const length = Number(declared);
    const offset = c.pos;
    if (length > keepText) {
      c.skip(length);
      return { length, offset };
    }
    if (!(c.has(length) || (await this.need(length, what)))) return undefined;
    const bytes = c.bytes(length);
    try {
      return { length, offset, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
    } catch {
      return { length, offset, text: new TextDecoder("utf-8").decode(bytes), invalid: true };
    }
  }

  private count(): bigint {
    return this.v1 ? BigInt(this.c.u32()) : this.c.u64();
  }

  /** Buffers `n` bytes or records why it could not. */
  private async need(n: number, what: string): Promise<boolean> {
    const result = await this.c.fill(n);
    if (result === "ok") return true;
    if (result === "eof") this.problem("structure", `Header ends inside ${what} at offset ${this.c.pos} (file has ${this.source.size} bytes)`, this.c.pos);
    else this.defects.push(defect("limit-exceeded", `GGUF header runs past ${MAX_GGUF_HEADER_BYTES} bytes at offset ${this.c.pos}; the rest was not scanned`, { offset: this.c.pos, limit: "MAX_GGUF_HEADER_BYTES" }));
    return false;
  }

  private clock(): boolean {
    if (this.timedOut) return false;
    if ((++this.ticks & (CLOCK_EVERY - 1)) !== 0 || this.options.now === undefined || this.options.deadline === undefined) return true;
    if (this.options.now() <= this.options.deadline) return true;
    this.timedOut = true;
    this.defects.push(defect("timeout", `GGUF header walk ran out of time at offset ${this.c.pos}`, { offset: this.c.pos }));
    return false;
  }

  private problem(kind: GgufProblemKind, message: string, offset?: number): void {
    const problems = this.document.problems;
    if (problems.length > MAX_PROBLEMS) return;
    problems.push(problems.length === MAX_PROBLEMS ? { kind, message: `More than ${MAX_PROBLEMS} problems; the rest are not listed` } : offset === undefined ? { kind, message } : { kind, message, offset });
  }
}

function isValueType(type: number): boolean {
  return Number.isInteger(type) && type >= 0 && type <= ValueType.FLOAT64;
}

function alignUp(offset: number, alignment: number): number {
  return offset + ((alignment - (offset % alignment)) % alignment);
}

function alignUpBig(n: bigint, alignment: bigint): bigint {
  return n + ((alignment - (n % alignment)) % alignment);
}
