/**
 * Symbolic values of the pickle VM. Nothing here is ever a live Python object: strings, numbers,
 * booleans and `null` (None) stand for themselves; everything else is a tagged record that says
 * where it came from. Containers keep only their first few items (for evidence) and a count.
 */
export const enum K {
  Bytes = 1,
  LongText = 2,
  Global = 3,
  Call = 4,
  Tuple = 5,
  List = 6,
  Dict = 7,
  Set = 8,
  FrozenSet = 9,
  Persistent = 10,
  Unknown = 11,
  Buffer = 12,
  Float = 13,
}

export type PyValue = string | number | bigint | boolean | null | PyObj;

export interface BytesValue {
  k: K.Bytes;
  /** Absolute offset of the payload in the stream source. */
  offset: number;
  length: number;
  /** First bytes of the payload when they were in memory (for sniffing embedded files). */
  head: Uint8Array | undefined;
  /** Full payload when it is short enough to keep. */
  data: Uint8Array | undefined;
  bytearray: boolean;
}

/** A str too long to decode; only its size and first characters are kept. */
export interface LongTextValue {
  k: K.LongText;
  offset: number;
  length: number;
  head: string;
}

export interface GlobalValue {
  k: K.Global;
  imp: ImportRecord;
}

export interface CallValue {
  k: K.Call;
  call: CallSite;
  /** Objects this value keeps alive (see `retained`). */
  r?: number;
}

export interface ContainerValue {
  k: K.Tuple | K.List | K.Set | K.FrozenSet;
  items: PyValue[];
  /** Number of items, including those not kept. */
  n: number;
  /** Virtual element count including nested containers (expansion-bomb detection). */
  v: number;
  /** Objects this value keeps alive (see `retained`). */
  r?: number;
}

export interface DictValue {
  k: K.Dict;
  /** Flat key/value pairs, first pairs only. */
  pairs: PyValue[];
  n: number;
  v: number;
  /** Objects this value keeps alive (see `retained`). */
  r?: number;
}

export interface PersistentValue {
  k: K.Persistent;
  pid: PyValue;
  offset: number;
}

export interface UnknownValue {
  k: K.Unknown;
  why: string;
}

export interface BufferValue {
  k: K.Buffer;
}

export interface FloatValue {
  k: K.Float;
  value: number;
}

export type PyObj =
  | BytesValue
  | LongTextValue
  | GlobalValue
  | CallValue
  | ContainerValue
  | DictValue
  | PersistentValue
  | UnknownValue
  | BufferValue
  | FloatValue;

export type ImportVia = "GLOBAL" | "STACK_GLOBAL" | "INST" | "EXT";

export interface ImportRecord {
  /** Module as written in the pickle. */
  module: string;
  /** Name as written (may be dotted). */
  name: string;
  via: ImportVia;
  offset: number;
  /** False when an operand was not a literal string (STACK_GLOBAL from computed values, EXT codes). */
  resolved: boolean;
  /** Why the import could not be resolved. */
  unresolvedReason?: string;
  /** Protocol in force, needed for the `fix_imports` name mapping of protocols < 3. */
  proto: number;
  /**
   * Key of this import's call group in `PickleDocument.calls`, made at its first call. The same
   * record comes back for every reference to the same import, and reusing one string spares
   * building and hashing a new one at each call (a state dict calls its rebuild function per tensor).
   */
  callKey?: string;
}

export type CallOp = "REDUCE" | "NEWOBJ" | "NEWOBJ_EX" | "OBJ" | "INST" | "BUILD";

export interface CallSite {
  op: CallOp;
  offset: number;
  callee: PyValue;
  /** Positional args (a tuple for REDUCE/NEWOBJ/OBJ/INST; the state for BUILD). */
  args: PyValue;
  kwargs?: PyValue;
}

export const KEEP_ITEMS = 16;

export function isObj(value: PyValue): value is PyObj {
  return typeof value === "object" && value !== null;
}

export function unknown(why: string): UnknownValue {
  return { k: K.Unknown, why };
}

export function virtualSize(value: PyValue): number {
  if (!isObj(value)) return 0;
  switch (value.k) {
    case K.Tuple:
    case K.List:
    case K.Set:
    case K.FrozenSet:
    case K.Dict:
      return value.v;
    default:
      return 0;
  }
}

export function makeContainer(kind: ContainerValue["k"], items: PyValue[]): ContainerValue {
  let v = items.length;
  for (const item of items) v += virtualSize(item);
  const kept = items.length > KEEP_ITEMS ? items.slice(0, KEEP_ITEMS) : items;
  let r = 1;
  for (const item of kept) r += retained(item);
  return { k: kind, items: kept, n: items.length, v, r };
}

/**
 * About how many objects (each some tens of bytes) a value keeps alive in the VM: itself and
 * what it holds, counted along every path (shared values count once per holder, so this errs
 * high). Long strings count one per 64 characters. It is what the VM's live-values budget
 * charges, so that a stack of small containers that each hold more containers cannot grow
 * memory beyond the budget while the slot count stays low.
 */
export function retained(value: PyValue): number {
  if (typeof value === "string") return value.length >> 6;
  if (typeof value !== "object" || value === null) return 0;
  switch (value.k) {
    case K.Tuple:
    case K.List:
    case K.Set:
    case K.FrozenSet:
    case K.Dict:
    case K.Call:
      return value.r ?? 1;
    case K.Bytes:
      return 1 + ((value.data?.length ?? 0) >> 6);
    case K.LongText:
      return 1 + (value.head.length >> 6);
    default:
      return 1;
  }
}

/**
 * Visits a value and everything inside it (container items, a call's callable and arguments),
 * depth-first and bounded: values come from hostile files, so nesting is capped.
 */
export function walkValues(value: PyValue, visit: (v: PyValue) => void, maxDepth = 6, depth = 0): void {
  visit(value);
  if (!isObj(value) || depth >= maxDepth) return;
  switch (value.k) {
    case K.Tuple:
    case K.List:
    case K.Set:
    case K.FrozenSet:
      for (const item of value.items) walkValues(item, visit, maxDepth, depth + 1);
      break;
    case K.Dict:
      for (const item of value.pairs) walkValues(item, visit, maxDepth, depth + 1);
      break;
    case K.Call:
      walkValues(value.call.callee, visit, maxDepth, depth + 1);
      walkValues(value.call.args, visit, maxDepth, depth + 1);
      break;
    default:
      break;
  }
}
