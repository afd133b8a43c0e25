import type { EffectKind, PythonEffect, PythonModuleDocument } from "../../formats/python/analyze.js";

export const PYTHON_MODULE_FORMATS = ["python-module"] as const;

/** What each effect kind means, for messages. */
export const EFFECT_LABEL: Readonly<Record<EffectKind, string>> = {
  process: "starts a process or changes the OS environment",
  network: "opens a network connection",
  download: "downloads files",
  filesystem: "writes or deletes files",
  exec: "evaluates code from a string or imports by computed name",
  native: "loads native code",
  deserialize: "unpickles data (a second payload modelvet cannot see from here)",
};

/** `config.json auto_map.AutoModel` … for messages. */
export function tiedText(doc: PythonModuleDocument): string {
  return doc.tiedBy.length > 0 ? doc.tiedBy.slice(0, 3).join("; ") : "a loader in this folder";
}

export function effectEvidence(effect: PythonEffect): string {
  return `line ${effect.line}: ${effect.text}`;
}
