import { GGML_TYPES, ValueType } from "../formats/gguf/constants.js";

export type GgufValue = number | bigint | boolean | string | { type: number; items: GgufValue[] };

interface KvSpec {
  key: string;
  type: number;
  value: GgufValue;
}

interface TensorSpec {
  name: string;
  dims: number[];
  type: number;
  offset?: bigint;
}

/**
 * Writes GGUF v1-v3 headers (either byte order) the way gguf-py's GGUFWriter lays them out:
 * KVs, tensor infos, padding to the alignment, then zeroed tensor data. Overrides make the
 * broken shapes the parser must survive.
 *
 * @example
 * const bytes = new GgufBuilder().string("general.architecture", "llama").tensor("w", [32], 0).build();
 */
export class GgufBuilder {
  private readonly kvs: KvSpec[] = [];
  private readonly tensors: TensorSpec[] = [];
  private readonly extra: Uint8Array[] = [];
  private kvCountOverride: bigint | undefined;
  private tensorCountOverride: bigint | undefined;

  constructor(private readonly options: { version?: number; bigEndian?: boolean; alignment?: number } = {}) {}

  kv(key: string, type: number, value: GgufValue): this {
    this.kvs.push({ key, type, value });
    return this;
  }

  string(key: string, value: string): this {
    return this.kv(key, ValueType.STRING, value);
  }

  u32(key: string, value: number): this {
    return this.kv(key, ValueType.UINT32, value);
  }

  array(key: string, elementType: number, items: GgufValue[]): this {
    return this.kv(key, ValueType.ARRAY, { type: elementType, items });
  }

  tensor(name: string, dims: number[], type: number, offset?: bigint): this {
    this.tensors.push(offset === undefined ? { name, dims, type } : { name, dims, type, offset });
    return this;
  }

  /** Declared counts instead of the real ones. */
  counts(kvCount: bigint, tensorCount: bigint): this {
    this.kvCountOverride = kvCount;
    this.tensorCountOverride = tensorCount;
    return this;
  }

  /** Raw bytes appended right after the tensor infos (before alignment padding). */
  raw(bytes: Uint8Array): this {
    this.extra.push(bytes);
    return this;
  }

  build(options: { dataBytes?: number; truncateTo?: number } = {}): Uint8Array {
    const version = this.options.version ?? 3;
    const alignment = this.options.alignment ?? 32;
    const w = new Writer(!this.options.bigEndian, version);
    w.bytes(new TextEncoder().encode("GGUF"));
    w.u32(version);
    w.count(this.tensorCountOverride ?? BigInt(this.tensors.length));
    w.count(this.kvCountOverride ?? BigInt(this.kvs.length));
    for (const kv of this.kvs) {
      w.string(kv.key);
      w.u32(kv.type);
      w.value(kv.type, kv.value);
    }
    let running = 0n;
    for (const t of this.tensors) {
      w.string(t.name);
      w.u32(t.dims.length);
      for (const d of t.dims) w.dim(BigInt(d));
      w.u32(t.type);
      w.u64(t.offset ?? running);
      const info = GGML_TYPES.get(t.type);
      const elements = t.dims.reduce((a, b) => a * BigInt(b), 1n);
      const size = info ? (elements / BigInt(info.block)) * BigInt(info.bytes) : 0n;
      running = (t.offset ?? running) + size + ((BigInt(alignment) - (size % BigInt(alignment))) % BigInt(alignment));
    }
    for (const e of this.extra) w.bytes(e);
    const header = w.finish();
    const dataStart = header.length + ((alignment - (header.length % alignment)) % alignment);
    const total = dataStart + (options.dataBytes ?? Number(running));
    const out = new Uint8Array(total);
    out.set(header);
    return options.truncateTo === undefined ? out : out.slice(0, options.truncateTo);
  }
}

class Writer {
  private readonly parts: Uint8Array[] = [];

  constructor(
    private readonly little: boolean,
    private readonly version: number,
  ) {}

  bytes(b: Uint8Array): void {
    this.parts.push(b);
  }

  private fixed(size: number, set: (v: DataView) => void): void {
    const b = new Uint8Array(size);
    set(new DataView(b.buffer));
    this.parts.push(b);
  }

  u32(n: number): void {
    this.fixed(4, (v) => v.setUint32(0, n >>> 0, this.little));
  }

  u64(n: bigint): void {
    this.fixed(8, (v) => v.setBigUint64(0, BigInt.asUintN(64, n), this.little));
  }

  /** Counts and lengths: u32 in v1, u64 from v2. */
  count(n: bigint): void {
    if (this.version === 1) this.u32(Number(BigInt.asUintN(32, n)));
    else this.u64(n);
  }

  dim(n: bigint): void {
    this.count(n);
  }

  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.count(BigInt(b.length));
    this.bytes(b);
  }

  value(type: number, value: GgufValue): void {
    const le = this.little;
    switch (type) {
      case ValueType.UINT8:
      case ValueType.BOOL:
        return this.fixed(1, (v) => v.setUint8(0, Number(value)));
      case ValueType.INT8:
        return this.fixed(1, (v) => v.setInt8(0, Number(value)));
      case ValueType.UINT16:
        return this.fixed(2, (v) => v.setUint16(0, Number(value), le));
      case ValueType.INT16:
        return this.fixed(2, (v) => v.setInt16(0, Number(value), le));
      case ValueType.UINT32:
        return this.fixed(4, (v) => v.setUint32(0, Number(value), le));
      case ValueType.INT32:
        return this.fixed(4, (v) => v.setInt32(0, Number(value), le));
      case ValueType.FLOAT32:
        return this.fixed(4, (v) => v.setFloat32(0, Number(value), le));
      case ValueType.UINT64:
        return this.fixed(8, (v) => v.setBigUint64(0, BigInt(value as number | bigint), le));
      case ValueType.INT64:
        return this.fixed(8, (v) => v.setBigInt64(0, BigInt(value as number | bigint), le));
      case ValueType.FLOAT64:
        return this.fixed(8, (v) => v.setFloat64(0, Number(value), le));
      case ValueType.STRING:
        return this.string(String(value));
      case ValueType.ARRAY: {
        const array = value as { type: number; items: GgufValue[] };
        this.u32(array.type);
        this.count(BigInt(array.items.length));
        for (const item of array.items) this.value(array.type, item);
        return;
      }
      default:
        return;
    }
  }

  finish(): Uint8Array {
    const total = this.parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
