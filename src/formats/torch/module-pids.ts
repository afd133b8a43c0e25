import type { CallGroup, PickleDocument } from "../pickle/types.js";
import { K, isObj, type GlobalValue, type PyValue } from "../pickle/values.js";

/** The class a legacy `('module', cls, source_file, source)` persistent id stands for. */
function moduleClass(value: PyValue): GlobalValue | undefined {
  if (!isObj(value) || value.k !== K.Persistent) return undefined;
  const pid = value.pid;
  if (!isObj(pid) || pid.k !== K.Tuple || pid.n !== 4 || pid.items[0] !== "module") return undefined;
  const cls = pid.items[1];
  return cls !== undefined && isObj(cls) && cls.k === K.Global ? cls : undefined;
}

/**
 * Legacy torch files pickle nn.Module classes as `('module', cls, source_file, source)`
 * persistent ids, and torch's `persistent_load` returns `cls` itself (serialization.py
 * `_legacy_load`). A NEWOBJ/REDUCE on such an id is therefore a call of `cls`: this rewrites
 * those call groups as calls of the imported class, so the pickle rules classify the class
 * instead of reporting an unresolvable callable. Every other call is left as it is.
 */
export function resolveModulePids(doc: PickleDocument): PickleDocument {
  let changed = false;
  const calls = new Map<string, CallGroup>();
  const importCalls = new Map(doc.importCalls);
  for (const [key, group] of doc.calls) {
    const cls = group.imp ? undefined : moduleClass(group.callee);
    if (!cls) {
      calls.set(key, group);
      continue;
    }
    changed = true;
    const merged = `legacy-module:${cls.imp.module}\u0000${cls.imp.name}`;
    const existing = calls.get(merged);
    if (existing) {
      existing.count += group.count;
      for (const op of group.ops) existing.ops.add(op);
      existing.samples.push(...group.samples.slice(0, Math.max(0, 8 - existing.samples.length)));
    } else {
      calls.set(merged, { ...group, imp: cls.imp, callee: cls, ops: new Set(group.ops), samples: [...group.samples] });
    }
    importCalls.set(cls.imp, (importCalls.get(cls.imp) ?? 0) + group.count);
  }
  return changed ? { ...doc, calls, importCalls } : doc;
}
