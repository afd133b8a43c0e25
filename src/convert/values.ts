import type { TorchDtype } from "./dtypes.js";

/**
 * The value tree the converter's restricted unpickler builds. Unlike the scanner's symbolic VM
 * (which keeps a few items per container as evidence), this keeps everything, because a state
 * dict is the whole point; in exchange it accepts only what a state dict is made of.
 */
export type TValue = null | boolean | number | bigint | string | TBytes | TList | TTuple | TDict | TGlobal | TStorage | TTensor;

export interface TBytes {
  t: "bytes";
  data: Uint8Array;
}

export interface TList {
  t: "list";
  items: TValue[];
}

export interface TTuple {
  t: "tuple";
  items: TValue[];
}

/** A dict or OrderedDict: insertion order kept, a repeated key replaces the value in place (as Python does). */
export interface TDict {
  t: "dict";
  keys: TValue[];
  values: TValue[];
  index: Map<string, number>;
}

/** An imported name that was not called: a storage class or a dtype. */
export interface TGlobal {
  t: "global";
  module: string;
  name: string;
}

/** What a storage persistent id declares: `('storage', torch.FloatStorage, key, location, numel)`. */
export interface TStorage {
  t: "storage";
  key: string;
  /** `torch.FloatStorage`, `torch.UntypedStorage`, … */
  type: string;
  /** Element type of the storage; `uint8` for an untyped storage (numel counts bytes). */
  dtype: TorchDtype;
  numel: number;
  location: string;
  /** Offset of the persistent id in its pickle, for messages. */
  at: number;
}

/** A tensor from `_rebuild_tensor_v2/_v3` (or a parameter wrapping one). */
export interface TTensor {
  t: "tensor";
  storage: TStorage;
  dtype: TorchDtype;
  /** Storage offset in elements of `dtype`. */
  offset: number;
  shape: number[];
  stride: number[];
  /** Offset of the REDUCE that built it. */
  at: number;
}

export function dictKey(key: TValue): string | undefined {
  switch (typeof key) {
    case "string":
      return `s:${key}`;
    case "number":
    case "bigint":
      return `n:${String(key)}`;
    case "boolean":
      return `n:${key ? 1 : 0}`;
    default:
      return key === null ? "none" : undefined;
  }
}

export function emptyDict(): TDict {
  return { t: "dict", keys: [], values: [], index: new Map() };
}

/** Sets `key` to `value`; false when the key is not hashable in our subset (a list, a tensor…). */
export function dictSet(dict: TDict, key: TValue, value: TValue): boolean {
  const k = dictKey(key);
  if (k === undefined) return false;
  const at = dict.index.get(k);
  if (at !== undefined) {
    dict.values[at] = value;
    return true;
  }
  dict.index.set(k, dict.keys.length);
  dict.keys.push(key);
  dict.values.push(value);
  return true;
}

export function dictGet(dict: TDict, key: string): TValue | undefined {
  const at = dict.index.get(`s:${key}`);
  return at === undefined ? undefined : dict.values[at];
}

/** Short text for a value in messages (never the whole of a big container). */
export function describe(value: TValue): string {
  if (value === null) return "None";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
    case "number":
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "True" : "False";
  }
  switch (value.t) {
    case "bytes":
      return `<${value.data.length} bytes>`;
    case "list":
      return `<list of ${value.items.length}>`;
    case "tuple":
      return `<tuple of ${value.items.length}>`;
    case "dict":
      return `<dict of ${value.keys.length}>`;
    case "global":
      return `${value.module}.${value.name}`;
    case "storage":
      return `<storage ${value.key}>`;
    case "tensor":
      return `<tensor ${value.dtype} [${value.shape.join(", ")}]>`;
  }
}
