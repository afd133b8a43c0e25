import { DTYPES } from "./dtypes.js";
import type { Refusal } from "./restricted-unpickler.js";
import { describe, dictGet, type TDict, type TTensor, type TValue } from "./values.js";

/** Nesting of dicts and lists flattened into dotted names (CWE-674): state dicts nest a few levels. */
export const MAX_FLATTEN_DEPTH = 64;
/** Non-tensor entries listed by name in the report; the rest are counted. */
const MAX_SKIPPED_LISTED = 50;

/** Sub-dicts tried, in order, when the top level of a checkpoint holds more than tensors. */
export const DEFAULT_STATE_DICT_KEYS = ["state_dict", "model", "module"] as const;

export interface NamedTensor {
  name: string;
  tensor: TTensor;
}

export interface StateDict {
  tensors: NamedTensor[];
  /** Key path of the sub-dict used, when not the top level. */
  key?: string;
  /** Entries that are not tensors (epoch counters, config strings): not written. */
  skipped: string[];
  skippedCount: number;
}

/**
 * Picks the state dict out of a checkpoint and flattens it. The top level is used when it holds
 * only tensors; otherwise `key` (dotted for nested dicts) or the first of `state_dict`, `model`,
 * `module` that is a dict; otherwise the top level with its non-tensor entries skipped. Nested
 * dicts and lists become dotted names (`encoder.layer.0.weight`).
 */
export function readStateDict(root: TValue, key?: string): { ok: true; value: StateDict } | { ok: false; refusal: Refusal } {
  if (!isDict(root)) return { ok: false, refusal: { code: "bad-rebuild", message: `The checkpoint is ${describe(root)}, not a dict of tensors` } };
  let dict: TDict = root;
  let used: string | undefined;
  if (key !== undefined) {
    const found = lookup(root, key);
    if (!isDict(found)) return { ok: false, refusal: { code: "bad-rebuild", message: `The checkpoint has no dict at key ${JSON.stringify(key)} (it holds ${root.keys.slice(0, 8).map((k) => describe(k)).join(", ")})` } };
    dict = found;
    used = key;
  } else if (!root.values.every(isTensor)) {
    for (const candidate of DEFAULT_STATE_DICT_KEYS) {
      const found = dictGet(root, candidate);
      if (isDict(found)) {
        dict = found;
        used = candidate;
        break;
      }
    }
  }
  const out: StateDict = { tensors: [], skipped: [], skippedCount: 0 };
  if (used !== undefined) out.key = used;
  const seen = new Set<string>();
  const problem = flatten(dict, "", 0, out, seen);
  if (problem !== undefined) return { ok: false, refusal: { code: "bad-rebuild", message: problem } };
  return { ok: true, value: out };
}

function lookup(root: TDict, key: string): TValue | undefined {
  const direct = dictGet(root, key);
  if (direct !== undefined) return direct;
  let node: TValue | undefined = root;
  for (const part of key.split(".")) {
    if (!isDict(node)) return undefined;
    node = dictGet(node, part);
  }
  return node;
}

function flatten(value: TValue, name: string, depth: number, out: StateDict, seen: Set<string>): string | undefined {
  if (depth > MAX_FLATTEN_DEPTH) return `Entry ${JSON.stringify(name)} nests deeper than ${MAX_FLATTEN_DEPTH} levels (MAX_FLATTEN_DEPTH)`;
  if (isTensor(value)) {
    if (name === "") return "The checkpoint is a single tensor with no name";
    if (seen.has(name)) return `Two entries flatten to the same name ${JSON.stringify(name)}`;
    seen.add(name);
    out.tensors.push({ name, tensor: value });
    return undefined;
  }
  const join = (part: string): string => (name === "" ? part : `${name}.${part}`);
  if (isDict(value)) {
    for (let i = 0; i < value.keys.length; i++) {
      const k = value.keys[i] as TValue;
      const part = typeof k === "string" ? k : typeof k === "number" || typeof k === "bigint" ? String(k) : undefined;
      if (part === undefined) {
        skip(out, `${join(describe(k))} (key is not a string)`);
        continue;
      }
      const problem = flatten(value.values[i] as TValue, join(part), depth + 1, out, seen);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (value !== null && typeof value === "object" && (value.t === "list" || value.t === "tuple") && value.items.some(holdsTensor)) {
    for (let i = 0; i < value.items.length; i++) {
      const problem = flatten(value.items[i] as TValue, join(String(i)), depth + 1, out, seen);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  skip(out, `${name === "" ? "<top level>" : name} = ${describe(value)}`);
  return undefined;
}

function skip(out: StateDict, text: string): void {
  out.skippedCount++;
  if (out.skipped.length < MAX_SKIPPED_LISTED) out.skipped.push(text);
}

function holdsTensor(v: TValue): boolean {
  return isTensor(v) || isDict(v) || (v !== null && typeof v === "object" && (v.t === "list" || v.t === "tuple"));
}

function isDict(v: TValue | undefined): v is TDict {
  return v !== undefined && v !== null && typeof v === "object" && v.t === "dict";
}

function isTensor(v: TValue | undefined): v is TTensor {
  return v !== undefined && v !== null && typeof v === "object" && v.t === "tensor";
}

/** Element count of a shape (1 for a scalar). */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Byte range [start, stop) a tensor touches in its storage, as safetensors' `_end_ptr` measures it. */
export function byteSpan(t: TTensor): { start: number; stop: number } {
  const size = DTYPES[t.dtype].size;
  const start = t.offset * size;
  if (numelOf(t.shape) === 0) return { start, stop: start };
  let last = t.offset;
  for (let i = 0; i < t.shape.length; i++) last += ((t.shape[i] as number) - 1) * (t.stride[i] as number);
  return { start, stop: last * size + size };
}

/** True when the tensor starts at its storage's start and covers all of it (safetensors `_is_complete`). */
export function isComplete(t: TTensor): boolean {
  return t.offset === 0 && numelOf(t.shape) * DTYPES[t.dtype].size === storageBytes(t);
}

export function storageBytes(t: TTensor): number {
  return t.storage.numel * DTYPES[t.storage.dtype].size;
}

/** True when the strides are those of a C-contiguous tensor of this shape (size-1 dims ignored, as torch does). */
export function isContiguous(t: TTensor): boolean {
  let expected = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    const d = t.shape[i] as number;
    if (d === 0) return true;
    if (d !== 1 && t.stride[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

export interface Dedup {
  /** Tensors to write, in checkpoint order. */
  kept: NamedTensor[];
  /** Removed name -> name kept in its place (recorded in `__metadata__`, as Hugging Face's converter does). */
  removed: Map<string, string>;
}

/**
 * Drops tensors that share memory with another, the way Hugging Face's convert.py does with
 * safetensors' `_find_shared_tensors` / `_remove_duplicate_names`: tensors are grouped by storage,
 * groups split where their byte ranges do not overlap, and in each group of two or more the
 * first name (sorted) of a tensor covering its whole storage is kept. A group with no such
 * tensor is refused, as there. A lone partial view is written on its own (copied contiguous).
 */
export function removeSharedDuplicates(tensors: readonly NamedTensor[]): { ok: true; value: Dedup } | { ok: false; refusal: Refusal } {
  const byStorage = new Map<object, NamedTensor[]>();
  for (const nt of tensors) {
    if (storageBytes(nt.tensor) === 0) continue;
    const list = byStorage.get(nt.tensor.storage) ?? [];
    list.push(nt);
    byStorage.set(nt.tensor.storage, list);
  }
  const removed = new Map<string, string>();
  for (const group of byStorage.values()) {
    for (const shared of overlapping(group)) {
      if (shared.length < 2) continue;
      const complete = shared.filter((nt) => isComplete(nt.tensor)).map((nt) => nt.name).sort(comparePython);
      const keep = complete[0];
      if (keep === undefined) {
        const names = shared.map((nt) => nt.name).sort(comparePython).join(", ");
        return { ok: false, refusal: { code: "bad-rebuild", message: `Tensors ${names} share one storage but none covers all of it; Hugging Face's converter refuses this too (it would store more than the tensors hold)` } };
      }
      for (const nt of shared) if (nt.name !== keep) removed.set(nt.name, keep);
    }
  }
  return { ok: true, value: { kept: tensors.filter((nt) => !removed.has(nt.name)), removed } };
}

/** safetensors `_filter_shared_not_shared`: sort by start, start a new group when a range begins at or after the previous stop. */
function overlapping(group: NamedTensor[]): NamedTensor[][] {
  const areas = group.map((nt) => ({ nt, ...byteSpan(nt.tensor) })).sort((a, b) => a.start - b.start || a.stop - b.stop || comparePython(a.nt.name, b.nt.name));
  const out: NamedTensor[][] = [];
  let lastStop = -1;
  for (const area of areas) {
    const current = out.at(-1);
    if (current === undefined || area.start >= lastStop) out.push([area.nt]);
    else current.push(area.nt);
    lastStop = area.stop;
  }
  return out;
}

/** Python's str ordering (by code point), not localeCompare. */
export function comparePython(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
