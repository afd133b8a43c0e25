import { render } from "../pickle/render.js";
import type { PickleDocument } from "../pickle/types.js";
import { K, isObj, type PersistentValue, type PyValue } from "../pickle/values.js";
import type { OddPersistentId, StorageRef, TensorMutation } from "./types.js";

/** Bytes per element of the legacy storage classes (torch/storage.py `_dtype_to_storage_type_map`). */
const STORAGE_ELEMENT_SIZES: Record<string, number> = {
  DoubleStorage: 8,
  FloatStorage: 4,
  HalfStorage: 2,
  BFloat16Storage: 2,
  LongStorage: 8,
  IntStorage: 4,
  ShortStorage: 2,
  CharStorage: 1,
  ByteStorage: 1,
  BoolStorage: 1,
  ComplexFloatStorage: 8,
  ComplexDoubleStorage: 16,
  QUInt8Storage: 1,
  QInt8Storage: 1,
  QInt32Storage: 4,
  QUInt4x2Storage: 1,
  QUInt2x4Storage: 1,
  UntypedStorage: 1,
  _UntypedStorage: 1,
};

/** Element size of `torch.FloatStorage` style names; undefined for names torch does not define. */
export function storageElementSize(module: string, name: string): number | undefined {
  if (module !== "torch" && module !== "torch.storage" && module !== "torch.cuda") return undefined;
  return STORAGE_ELEMENT_SIZES[name];
}

/** torch's loader maps any global whose name contains "Storage" to a storage type (StorageType(name)). */
function isStorageName(name: string): boolean {
  return name.includes("Storage");
}

export type PidShape = "zip" | "legacy";

/** What one persistent id is, in torch's eyes. */
export type PidReading = { kind: "storage"; ref: StorageRef } | { kind: "module" } | { kind: "odd"; odd: OddPersistentId; key?: string };

/**
 * Reads a persistent id the way torch's `persistent_load` does (torch/serialization.py):
 * zip checkpoints and TorchScript use `('storage', storage_type, key, location, numel)`; legacy
 * files add a sixth item (view metadata) and also use `('module', cls, source_file, source)`
 * for pickled nn.Module classes. Anything else makes torch fail, or is not torch's writing.
 */
export function readPersistentId(pid: PersistentValue, pickle: string, shape: PidShape): PidReading {
  const value = pid.pid;
  // An odd storage id still names its record (when the key is a string): that record is not "extra".
  const odd = (reason: string): PidReading => {
    const key = isObj(value) && value.k === K.Tuple && value.items[0] === "storage" && typeof value.items[2] === "string" ? value.items[2] : undefined;
    const reading: PidReading = { kind: "odd", odd: { pickle, offset: pid.offset, text: render(value, 160), reason } };
    return key === undefined ? reading : { ...reading, key };
  };
  if (!isObj(value) || value.k !== K.Tuple || value.n !== value.items.length) return odd("not a tuple");
  const [tag, type, key, location, numel, view] = value.items;
  if (shape === "legacy" && tag === "module") return value.n === 4 ? { kind: "module" } : odd(`a 'module' id has ${value.n} items, not 4`);
  if (tag !== "storage") return odd(`first item is ${render(tag ?? null, 40)}, not 'storage'`);
  const expected = shape === "zip" ? 5 : 6;
  if (value.n !== expected) return odd(`a storage id has ${value.n} items, not ${expected}`);
  if (type === undefined || !isObj(type) || type.k !== K.Global) return odd(`storage type ${render(type ?? null, 60)} is not an imported storage class`);
  const imp = type.imp;
  if (!imp.resolved || !isStorageName(imp.name)) return odd(`storage type ${imp.module}.${imp.name} is not a torch storage class`);
  if (typeof key !== "string") return odd(`storage key ${render(key ?? null, 40)} is not a string`);
  if (typeof location !== "string") return odd(`location ${render(location ?? null, 40)} is not a string`);
  if (typeof numel !== "number" || !Number.isSafeInteger(numel) || numel < 0) return odd(`element count ${render(numel ?? null, 40)} is not a non-negative integer literal`);
  if (shape === "legacy" && view !== null && !(view !== undefined && isObj(view) && view.k === K.Tuple)) return odd(`view metadata ${render(view ?? null, 60)} is neither None nor a tuple`);
  return {
    kind: "storage",
    ref: { pickle, offset: pid.offset, key, storageType: `${imp.module}.${imp.name}`, elementSize: storageElementSize(imp.module, imp.name), location, numel },
  };
}

/** Callables whose result is a tensor or a storage: a SETITEM/APPEND on it is the CVE-2026-24747 shape. */
const TENSOR_MAKERS = /^(torch\._utils\._rebuild_|torch\._tensor\._rebuild_from_type|torch\.nn\.parameter\.Parameter$|torch\.Tensor$|torch\.tensor$|torch\._utils\._rebuild)/;

/** The targets a loader would treat as tensors or storages, described for evidence; undefined otherwise. */
function tensorTarget(target: PyValue): string | undefined {
  if (!isObj(target)) return undefined;
  if (target.k === K.Persistent) return `storage ${render(target.pid, 80)}`;
  if (target.k === K.Global && isStorageName(target.imp.name)) return `storage class ${target.imp.module}.${target.imp.name}`;
  if (target.k !== K.Call) return undefined;
  const callee = target.call.callee;
  if (isObj(callee) && callee.k === K.Global) {
    const name = `${callee.imp.module}.${callee.imp.name}`;
    if (TENSOR_MAKERS.test(name) || isStorageName(callee.imp.name)) return render(target, 120);
  }
  if (isObj(callee) && callee.k === K.Persistent) return render(target, 120);
  return undefined;
}

/** SETITEM/APPEND ops the VM saw on tensors and storages. */
export function tensorMutations(doc: PickleDocument, pickle: string): TensorMutation[] {
  const out: TensorMutation[] = [];
  for (const m of doc.mutations) {
    const target = tensorTarget(m.target);
    if (target !== undefined) out.push({ pickle, offset: m.offset, op: m.op, target });
  }
  return out;
}
