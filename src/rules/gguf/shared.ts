import type { GgufDocument, GgufProblemKind } from "../../formats/gguf/types.js";
import type { RuleContext } from "../types.js";

export const GGUF_FORMATS: readonly string[] = ["gguf"];

/** A check that reports every header problem of one kind. */
export function reportProblems(kind: GgufProblemKind): (doc: GgufDocument, ctx: RuleContext) => void {
  return (doc, { report }) => {
    for (const p of doc.problems) {
      if (p.kind !== kind) continue;
      report(p.offset === undefined ? { message: p.message } : { message: p.message, offset: p.offset });
    }
  };
}
