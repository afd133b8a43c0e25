import type { PickleDocument } from "../pickle/types.js";
import type { ImportRecord } from "../pickle/values.js";

/** Backward-compatibility names the TorchScript unpickler handles itself under `__main__`. */
const MAIN_NAMES = new Set(["TensorID", "IntList", "TensorList", "DoubleList", "BoolList", "LiteralTensor"]);

/**
 * Names the TorchScript unpickler (torch/csrc/jit/serialization/unpickler.cpp `readGlobal`)
 * resolves on its own instead of importing a Python module: `__torch__.*` classes compiled from
 * the archive's `code/`, the `torch.jit._pickle` list builders and a few `__main__` legacy tags.
 */
export function isTorchScriptName(imp: ImportRecord): boolean {
  if (!imp.resolved) return false;
  if (imp.module === "__torch__" || imp.module.startsWith("__torch__.")) return true;
  if (imp.module === "torch.jit._pickle") return true;
  return imp.module === "__main__" && MAIN_NAMES.has(imp.name);
}

/**
 * The pickle as the TorchScript loader reads it: names that loader resolves itself are not
 * Python imports, so they leave the document the pickle rules see. Everything else stays, a
 * Python global in a TorchScript pickle included (it targets any Python unpickler of the file).
 */
export function torchScriptView(doc: PickleDocument): PickleDocument {
  const keep = (imp: ImportRecord | undefined): boolean => imp === undefined || !isTorchScriptName(imp);
  const calls = new Map([...doc.calls].filter(([, group]) => keep(group.imp)));
  const importCalls = new Map([...doc.importCalls].filter(([imp]) => keep(imp)));
  return {
    ...doc,
    imports: doc.imports.filter((imp) => keep(imp)),
    importCalls,
    calls,
    buildsOnImports: doc.buildsOnImports.filter((b) => keep(b.imp)),
  };
}
