import type { SignalKind, TemplateDocument, TemplateSignal } from "../../formats/jinja/types.js";
import type { RuleContext } from "../types.js";

export const TEMPLATE_FORMATS: readonly string[] = ["chat-template"];

/** A check that reports every signal of one kind, with `message` saying what it means. */
export function reportSignals(kind: SignalKind, message: (s: TemplateSignal) => string): (doc: TemplateDocument, ctx: RuleContext) => void {
  return (doc, { report }) => {
    for (const s of doc.signals) {
      if (s.kind !== kind) continue;
      const via = s.via === "lexical" ? " (found by the lexical scan)" : "";
      report(s.offset === undefined ? { message: `${message(s)}${via}`, evidence: s.evidence } : { message: `${message(s)}${via}`, evidence: s.evidence, offset: s.offset });
    }
  };
}
