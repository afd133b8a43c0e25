import type { CallGroup, PickleDocument } from "../../formats/pickle/types.js";
import type { ImportRecord } from "../../formats/pickle/values.js";

/** Formats whose documents are pickle documents (torch and joblib wrap the same VM output). */
export const PICKLE_FORMATS = ["pickle", "pytorch-legacy", "joblib", "numpy-object"] as const;

const callIndex = new WeakMap<PickleDocument, Map<ImportRecord, CallGroup[]>>();

/** Call groups whose callable is the given import. */
export function callsOf(doc: PickleDocument, imp: ImportRecord): CallGroup[] {
  let index = callIndex.get(doc);
  if (!index) {
    index = new Map();
    for (const group of doc.calls.values()) {
      if (!group.imp) continue;
      const list = index.get(group.imp) ?? [];
      list.push(group);
      index.set(group.imp, list);
    }
    callIndex.set(doc, index);
  }
  return index.get(imp) ?? [];
}

/** Evidence: the first rendered calls, or how it was imported when it was never called. */
export function importEvidence(doc: PickleDocument, imp: ImportRecord): string {
  const groups = callsOf(doc, imp);
  const count = groups.reduce((n, g) => n + g.count, 0);
  if (count === 0) return `imported by ${imp.via} at offset ${imp.offset}, not called`;
  const samples = groups.flatMap((g) => g.samples).slice(0, 3);
  const text = samples.map((s) => `${s.op} at ${s.offset}: ${s.text}`).join("; ");
  return count > samples.length ? `${text} (+${count - samples.length} more calls)` : text;
}

/** Noun phrases for the deny categories, as used in messages ("a process/OS callable"). */
export const CATEGORY_LABEL: Record<string, string> = {
  builtins: "builtin outside the safe set",
  exec: "code-execution callable",
  process: "process/OS callable",
  network: "network callable",
  filesystem: "file-system callable",
  import: "import/resolver callable",
  install: "package-installation callable",
  native: "native-code callable",
  "nested-deserializer": "nested deserializer",
  "code-object": "code-object builder",
  dunder: "interpreter-internals access",
};
