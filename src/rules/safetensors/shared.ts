import type { SafetensorsDocument, SafetensorsProblemKind } from "../../formats/safetensors/types.js";
import type { RuleContext } from "../types.js";

export const SAFETENSORS_FORMATS: readonly string[] = ["safetensors"];

/** A check that reports every header problem of one kind. */
export function reportProblems(kind: SafetensorsProblemKind): (doc: SafetensorsDocument, ctx: RuleContext) => void {
  return (doc, { report }) => {
    for (const p of doc.problems) {
      if (p.kind !== kind) continue;
      report(p.offset === undefined ? { message: p.message } : { message: p.message, offset: p.offset });
    }
  };
}
