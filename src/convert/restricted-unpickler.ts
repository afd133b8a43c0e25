import { OP } from "../formats/pickle/opcodes.js";
import { storageDtype, torchDtype, type TorchDtype } from "./dtypes.js";
import { describe, dictSet, emptyDict, type TDict, type TStorage, type TTensor, type TValue } from "./values.js";

/**
 * Values created per pickle (CWE-770): a state dict has a few values per tensor, so this allows
 * millions of tensors while bounding what a crafted stream can make us allocate.
 */
export const MAX_VALUES = 20_000_000;
/** Stack plus mark depth (CWE-674/770); a state dict nests a handful of levels. */
export const MAX_STACK = 100_000;
/** Memo entries (CWE-770). */
export const MAX_MEMO = 20_000_000;
/** Dimensions of one tensor: torch allows 64. */
export const MAX_DIMS = 64;

/** Why a pickle was refused. Codes are stable: tests and the CLI report them. */
export type RefusalCode =
  | "call-not-allowed"
  | "import-not-allowed"
  | "opcode-not-allowed"
  | "bad-rebuild"
  | "bad-storage-id"
  | "unsupported-dtype"
  | "malformed"
  | "limit";

export interface Refusal {
  code: RefusalCode;
  message: string;
  offset?: number;
}

export type UnpickleResult = { ok: true; value: TValue; end: number } | { ok: false; refusal: Refusal };

/** Calls a state dict is made of, and nothing else (torch's weights_only unpickler allows a superset). */
const REBUILDS = new Set([
  "torch._utils._rebuild_tensor",
  "torch._utils._rebuild_tensor_v2",
  "torch._utils._rebuild_tensor_v3",
  "torch._utils._rebuild_parameter",
  "torch._utils._rebuild_parameter_with_state",
]);
const CONTAINERS = new Set(["collections.OrderedDict", "builtins.set", "builtins.frozenset", "torch.Size", "_codecs.encode"]);

/** Names a pickle may import: the callables above, storage classes, dtypes. */
export function importAllowed(module: string, name: string): boolean {
  const full = `${module}.${name}`;
  if (REBUILDS.has(full) || CONTAINERS.has(full)) return true;
  if (name.endsWith("Storage") && (module === "torch" || module === "torch.storage")) return true;
  return torchDtype(module, name) !== undefined;
}

/** True for callables the converter understands (the refusal check on the scanner's call list uses it too). */
export function callAllowed(module: string, name: string): boolean {
  const full = `${module}.${name}`;
  return REBUILDS.has(full) || CONTAINERS.has(full);
}

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

const MARK = Symbol("mark");
type Slot = TValue | typeof MARK;

export interface UnpickleOptions {
  /** Offset of `bytes[0]` in the file, for messages. */
  base?: number;
  /** Persistent id layout: zip checkpoints use 5 items, legacy files 6 (with view metadata). */
  pidItems?: 5 | 6;
}

/**
 * Reads one pickle the way torch's weights-only unpickler does, but stricter: binary opcodes of
 * protocols 2-5, imports and calls of tensor rebuilds and plain containers only, storage
 * persistent ids. Nothing is executed; the result is a full value tree with tensor records.
 * Anything outside that subset is a refusal naming the opcode, import or call.
 *
 * @example
 * const r = unpickleRestricted(bytes);
 * if (r.ok) walk(r.value);
 */
export function unpickleRestricted(bytes: Uint8Array, options: UnpickleOptions = {}): UnpickleResult {
  try {
    return new Reader(bytes, options.base ?? 0, options.pidItems ?? 5).run();
  } catch (error) {
    if (error instanceof Refused) return { ok: false, refusal: error.refusal };
    throw error;
  }
}

class Reader {
  private pos = 0;
  private stack: Slot[] = [];
  private marks: number[] = [];
  private memo = new Map<number, TValue>();
  private values = 0;
  private readonly view: DataView;
  private readonly utf8 = new TextDecoder("utf-8", { fatal: true });

  constructor(
    private readonly b: Uint8Array,
    private readonly base: number,
    private readonly pidItems: 5 | 6,
  ) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  private refuse(code: RefusalCode, message: string, at = this.pos): never {
    throw new Refused({ code, message, offset: this.base + at });
  }

  private need(n: number): void {
    if (this.pos + n > this.b.length) this.refuse("malformed", `Pickle ends inside an opcode at offset ${this.base + this.pos}`);
  }

  private u8(): number {
    this.need(1);
    return this.b[this.pos++] as number;
  }

  private u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  private u64(): number {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    const v = hi * 2 ** 32 + lo;
    if (!Number.isSafeInteger(v)) this.refuse("malformed", `Length ${v} does not fit`);
    return v;
  }

  private take(n: number): Uint8Array {
    this.need(n);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private text(n: number, op: number): string {
    const bytes = this.take(n);
    try {
      return this.utf8.decode(bytes);
    } catch {
      return this.refuse("malformed", `String of opcode 0x${op.toString(16)} is not valid UTF-8`);
    }
  }

  private line(): string {
    const end = this.b.indexOf(0x0a, this.pos);
    if (end < 0 || end - this.pos > 1024) this.refuse("malformed", "GLOBAL operand is not a short line");
    const s = new TextDecoder("latin1").decode(this.b.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  private push(v: TValue): void {
    if (++this.values > MAX_VALUES) this.refuse("limit", `More than ${MAX_VALUES} values (MAX_VALUES)`);
    if (this.stack.length >= MAX_STACK) this.refuse("limit", `Stack deeper than ${MAX_STACK} (MAX_STACK)`);
    this.stack.push(v);
  }

  private pop(): TValue {
    const v = this.stack.pop();
    if (v === undefined || v === MARK || this.stack.length < (this.marks.at(-1) ?? 0)) this.refuse("malformed", "Stack underflow");
    return v;
  }

  private top(): TValue {
    const v = this.stack.at(-1);
    if (v === undefined || v === MARK || this.stack.length <= (this.marks.at(-1) ?? 0)) this.refuse("malformed", "Stack underflow");
    return v;
  }

  private popMark(): TValue[] {
    const at = this.marks.pop();
    if (at === undefined) this.refuse("malformed", "No MARK on the stack");
    const items = this.stack.splice(at) as TValue[];
    return items;
  }

  run(): UnpickleResult {
    for (;;) {
      const at = this.pos;
      const op = this.u8();
      switch (op) {
        case OP.PROTO:
          if (this.u8() > 5) this.refuse("malformed", "Unsupported pickle protocol", at);
          break;
        case OP.FRAME:
          this.u64();
          break;
        case OP.STOP: {
          const v = this.pop();
          if (this.stack.length > 0 || this.marks.length > 0) this.refuse("malformed", "Values left on the stack at STOP", at);
          return { ok: true, value: v, end: this.base + this.pos };
        }
        case OP.MARK:
          if (this.marks.length >= MAX_STACK) this.refuse("limit", `More than ${MAX_STACK} marks (MAX_STACK)`);
          this.marks.push(this.stack.length);
          break;
        case OP.POP:
          this.pop();
          break;
        case OP.NONE:
          this.push(null);
          break;
        case OP.NEWTRUE:
          this.push(true);
          break;
        case OP.NEWFALSE:
          this.push(false);
          break;
        case OP.BININT:
          this.need(4);
          this.push(this.view.getInt32(this.pos, true));
          this.pos += 4;
          break;
        case OP.BININT1:
          this.push(this.u8());
          break;
        case OP.BININT2:
          this.push(this.u16());
          break;
        case OP.LONG1:
          this.push(this.long(this.u8()));
          break;
        case OP.BINFLOAT:
          this.need(8);
          this.push(this.view.getFloat64(this.pos, false));
          this.pos += 8;
          break;
        case OP.SHORT_BINUNICODE:
          this.push(this.text(this.u8(), op));
          break;
        case OP.BINUNICODE:
          this.push(this.text(this.u32(), op));
          break;
        case OP.BINUNICODE8:
          this.push(this.text(this.u64(), op));
          break;
        case OP.SHORT_BINSTRING:
          this.push(new TextDecoder("latin1").decode(this.take(this.u8())));
          break;
        case OP.BINSTRING: {
          const n = this.u32();
          if (n > 0x7fffffff) this.refuse("malformed", "BINSTRING length is negative", at);
          this.push(new TextDecoder("latin1").decode(this.take(n)));
          break;
        }
        case OP.SHORT_BINBYTES:
          this.push({ t: "bytes", data: this.take(this.u8()) });
          break;
        case OP.BINBYTES:
          this.push({ t: "bytes", data: this.take(this.u32()) });
          break;
        case OP.BINBYTES8:
          this.push({ t: "bytes", data: this.take(this.u64()) });
          break;
        case OP.EMPTY_LIST:
          this.push({ t: "list", items: [] });
          break;
        case OP.EMPTY_TUPLE:
          this.push({ t: "tuple", items: [] });
          break;
        case OP.EMPTY_DICT:
          this.push(emptyDict());
          break;
        case OP.EMPTY_SET:
          this.push({ t: "list", items: [] });
          break;
        case OP.LIST:
          this.push({ t: "list", items: this.popMark() });
          break;
        case OP.TUPLE:
          this.push({ t: "tuple", items: this.popMark() });
          break;
        case OP.TUPLE1: {
          const a = this.pop();
          this.push({ t: "tuple", items: [a] });
          break;
        }
        case OP.TUPLE2: {
          const b = this.pop();
          const a = this.pop();
          this.push({ t: "tuple", items: [a, b] });
          break;
        }
        case OP.TUPLE3: {
          const c = this.pop();
          const b = this.pop();
          const a = this.pop();
          this.push({ t: "tuple", items: [a, b, c] });
          break;
        }
        case OP.DICT: {
          const items = this.popMark();
          const dict = emptyDict();
          this.setItems(dict, items, at);
          this.push(dict);
          break;
        }
        case OP.APPEND: {
          const v = this.pop();
          this.listOf(this.top(), at).push(v);
          break;
        }
        case OP.APPENDS:
        case OP.ADDITEMS: {
          const items = this.popMark();
          this.listOf(this.top(), at).push(...items);
          break;
        }
        case OP.SETITEM: {
          const v = this.pop();
          const k = this.pop();
          this.setItems(this.dictOf(this.top(), at), [k, v], at);
          break;
        }
        case OP.SETITEMS: {
          const items = this.popMark();
          this.setItems(this.dictOf(this.top(), at), items, at);
          break;
        }
        case OP.BINPUT:
          this.put(this.u8());
          break;
        case OP.LONG_BINPUT:
          this.put(this.u32());
          break;
        case OP.MEMOIZE:
          this.put(this.memo.size);
          break;
        case OP.BINGET:
          this.get(this.u8(), at);
          break;
        case OP.LONG_BINGET:
          this.get(this.u32(), at);
          break;
        case OP.GLOBAL: {
          const module = this.line();
          const name = this.line();
          this.push(this.global(module, name, at));
          break;
        }
        case OP.STACK_GLOBAL: {
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== "string" || typeof name !== "string") this.refuse("import-not-allowed", "STACK_GLOBAL operands are not strings", at);
          this.push(this.global(module, name, at));
          break;
        }
        case OP.BINPERSID:
          this.push(this.storage(this.pop(), at));
          break;
        case OP.REDUCE: {
          const args = this.pop();
          const fn = this.pop();
          this.push(this.call(fn, args, at));
          break;
        }
        case OP.BUILD: {
          const state = this.pop();
          this.build(this.top(), state, at);
          break;
        }
        default:
          this.refuse("opcode-not-allowed", `Opcode 0x${op.toString(16).padStart(2, "0")} at offset ${this.base + at} is not part of a plain state dict`, at);
      }
    }
  }

  private long(n: number): number | bigint {
    const bytes = this.take(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] as number);
    if ((bytes[n - 1] as number) & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  private put(index: number): void {
    if (this.memo.size >= MAX_MEMO && !this.memo.has(index)) this.refuse("limit", `More than ${MAX_MEMO} memo entries (MAX_MEMO)`);
    this.memo.set(index, this.top());
  }

  private get(index: number, at: number): void {
    const v = this.memo.get(index);
    if (v === undefined) this.refuse("malformed", `Memo key ${index} is not set`, at);
    this.push(v);
  }

  private listOf(v: TValue, at: number): TValue[] {
    if (v !== null && typeof v === "object" && (v.t === "list" || v.t === "tuple")) {
      if (v.t === "tuple") this.refuse("malformed", "APPEND on a tuple", at);
      return v.items;
    }
    return this.refuse("call-not-allowed", `APPEND on ${describe(v)}: only lists take items in a state dict`, at);
  }

  private dictOf(v: TValue, at: number): TDict {
    if (v !== null && typeof v === "object" && v.t === "dict") return v;
    return this.refuse("call-not-allowed", `SETITEM on ${describe(v)}: only dicts take items in a state dict (a write into a tensor is the CVE-2026-24747 shape)`, at);
  }

  private setItems(dict: TDict, items: TValue[], at: number): void {
    if (items.length % 2 !== 0) this.refuse("malformed", "Odd number of items for a dict", at);
    for (let i = 0; i < items.length; i += 2) {
      if (!dictSet(dict, items[i] as TValue, items[i + 1] as TValue)) this.refuse("malformed", `Dict key ${describe(items[i] as TValue)} is not a string or number`, at);
    }
  }

  private global(module: string, name: string, at: number): TValue {
    if (!importAllowed(module, name)) this.refuse("import-not-allowed", `The pickle imports ${module}.${name}, which is not a tensor rebuild, storage, dtype or plain container`, at);
    return { t: "global", module, name };
  }

  private storage(pid: TValue, at: number): TStorage {
    const bad = (why: string): never => this.refuse("bad-storage-id", `Persistent id at offset ${this.base + at} ${why}`, at);
    if (pid === null || typeof pid !== "object" || pid.t !== "tuple") return bad("is not a tuple");
    const [tag, type, key, location, numel, view] = pid.items;
    if (tag !== "storage") return bad(`starts with ${describe(tag ?? null)}, not 'storage'`);
    if (pid.items.length !== this.pidItems) return bad(`has ${pid.items.length} items, not ${this.pidItems}`);
    if (type === undefined || type === null || typeof type !== "object" || type.t !== "global") return bad("does not name a storage class");
    const dtype = storageDtype(type.module, type.name);
    if ("reason" in dtype) return this.refuse("unsupported-dtype", `Storage ${describe(key ?? null)}: ${dtype.reason}`, at);
    if (typeof key !== "string") return bad("has a key that is not a string");
    if (typeof location !== "string") return bad("has a location that is not a string");
    if (typeof numel !== "number" || !Number.isSafeInteger(numel) || numel < 0) return bad("has an element count that is not a non-negative integer");
    if (this.pidItems === 6 && view !== null) return bad("is a legacy storage view, which the converter does not support");
    return { t: "storage", key, type: `${type.module}.${type.name}`, dtype: dtype.dtype, numel, location, at: this.base + at };
  }

  private call(fn: TValue, args: TValue, at: number): TValue {
    if (fn === null || typeof fn !== "object" || fn.t !== "global") return this.refuse("call-not-allowed", `The pickle calls ${describe(fn)}, which is not an imported tensor rebuild or container`, at);
    const name = `${fn.module}.${fn.name}`;
    if (!callAllowed(fn.module, fn.name)) return this.refuse("call-not-allowed", `The pickle calls ${name}, which is not a tensor rebuild or a plain container`, at);
    if (args === null || typeof args !== "object" || args.t !== "tuple") return this.refuse("malformed", `${name} is called with ${describe(args)}, not an argument tuple`, at);
    const a = args.items;
    switch (name) {
      case "collections.OrderedDict":
        return this.orderedDict(a, at);
      case "builtins.set":
      case "builtins.frozenset":
        if (a.length === 0) return { t: "list", items: [] };
        if (a.length === 1 && isSeq(a[0])) return { t: "list", items: [...a[0].items] };
        return this.refuse("malformed", `${name} called with ${a.length} arguments`, at);
      case "torch.Size":
        if (a.length === 1 && isSeq(a[0])) return { t: "tuple", items: [...a[0].items] };
        return this.refuse("malformed", "torch.Size called without a tuple", at);
      case "_codecs.encode":
        // Protocol 2 writes bytes as _codecs.encode(text, 'latin1').
        if (a.length === 2 && typeof a[0] === "string" && a[1] === "latin1" && isLatin1(a[0])) return { t: "bytes", data: latin1Bytes(a[0]) };
        return this.refuse("call-not-allowed", "_codecs.encode is called with something other than (str, 'latin1')", at);
      case "torch._utils._rebuild_parameter":
      case "torch._utils._rebuild_parameter_with_state": {
        const data = a[0];
        if (data === undefined || data === null || typeof data !== "object" || data.t !== "tensor") return this.refuse("bad-rebuild", `${name} wraps ${describe(data ?? null)}, not a tensor`, at);
        return data;
      }
      default:
        return this.tensor(name, a, at);
    }
  }

  private orderedDict(a: TValue[], at: number): TDict {
    const dict = emptyDict();
    if (a.length === 0) return dict;
    const items = a[0];
    if (a.length === 1 && isSeq(items)) {
      for (const pair of items.items) {
        if (!isSeq(pair) || pair.items.length !== 2) this.refuse("malformed", "OrderedDict built from something other than pairs", at);
        this.setItems(dict, pair.items, at);
      }
      return dict;
    }
    return this.refuse("malformed", `collections.OrderedDict called with ${a.length} arguments`, at);
  }

  private tensor(name: string, a: TValue[], at: number): TTensor {
    const bad = (why: string): never => this.refuse("bad-rebuild", `${name} at offset ${this.base + at}: ${why}`, at);
    const [storage, offset, size, stride] = a;
    if (storage === undefined || storage === null || typeof storage !== "object" || storage.t !== "storage") return bad("the first argument is not a storage persistent id");
    if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) return bad("storage offset is not a non-negative integer");
    const shape = dims(size);
    const strides = dims(stride);
    if (shape === undefined || strides === undefined) return bad("size or stride is not a tuple of non-negative integers");
    if (shape.length !== strides.length) return bad(`size has ${shape.length} dimensions but stride has ${strides.length}`);
    if (shape.length > MAX_DIMS) return bad(`more than ${MAX_DIMS} dimensions`);
    let dtype: TorchDtype = storage.dtype;
    if (name === "torch._utils._rebuild_tensor_v3") {
      const d = a[6];
      const td = d !== undefined && d !== null && typeof d === "object" && d.t === "global" ? torchDtype(d.module, d.name) : undefined;
      if (td === undefined) return bad(`dtype ${describe(d ?? null)} is not a dtype safetensors can hold`);
      if (storage.dtype !== "uint8") return bad("a v3 rebuild must use an untyped storage");
      dtype = td;
    }
    const expected = name === "torch._utils._rebuild_tensor" ? [4] : name === "torch._utils._rebuild_tensor_v2" ? [6, 7] : [7, 8];
    if (!expected.includes(a.length)) return bad(`called with ${a.length} arguments`);
    // backward_hooks: torch writes an empty OrderedDict; hooks would be code.
    const hooks = name === "torch._utils._rebuild_tensor" ? undefined : a[5];
    if (hooks !== undefined && !(hooks !== null && typeof hooks === "object" && hooks.t === "dict" && hooks.keys.length === 0)) return bad("backward hooks are not an empty dict");
    return { t: "tensor", storage, dtype, offset, shape, stride: strides, at: this.base + at };
  }

  private build(target: TValue, state: TValue, at: number): void {
    // OrderedDict state: the attributes of a state dict (`_metadata`, module versions): plain data, dropped.
    if (target !== null && typeof target === "object" && target.t === "dict") return;
    this.refuse("call-not-allowed", `BUILD (__setstate__) on ${describe(target)} with ${describe(state)}: only a dict's attributes are accepted`, at);
  }
}

function isSeq(v: TValue | undefined): v is { t: "list" | "tuple"; items: TValue[] } {
  return v !== undefined && v !== null && typeof v === "object" && (v.t === "list" || v.t === "tuple");
}

function dims(v: TValue | undefined): number[] | undefined {
  if (!isSeq(v)) return undefined;
  const out: number[] = [];
  for (const d of v.items) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) return undefined;
    out.push(d);
  }
  return out;
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}
