import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { PICKLE_FORMATS } from "./shared.js";

const SEMANTIC = new Set(["pickle-stack-underflow", "pickle-memo-missing", "pickle-no-mark"]);

export const pkl011 = defineRule<PickleDocument>({
  meta: {
    id: "PKL011",
    slug: "pickle-malformed-stream",
    formats: PICKLE_FORMATS,
    title: "Pickle stream is malformed where a loader would fail",
    description: "The stream underflows the stack, reads a memo key that was never stored, or pops a missing MARK; a loader fails there after running everything before it, and scanners that stop at the error miss what came first.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [502, 20],
    references: ["https://github.com/mmaitre314/picklescan/commit/d3273f4", "https://github.com/mmaitre314/picklescan/commit/efb2533"],
  },
  check(doc, { report }) {
    const problems = doc.defects.filter((d) => SEMANTIC.has(d.code));
    const first = problems[0];
    if (!first) return;
    report({
      message: `Pickle would fail to load at offset ${first.offset}: ${first.message}`,
      evidence: problems.length > 1 ? `${problems.length} such problems; first ${problems.slice(0, 3).map((d) => d.message).join("; ")}` : first.message,
      offset: first.offset,
    });
  },
});
