import type { GgufDocument } from "../../formats/gguf/types.js";
import { defineRule } from "../types.js";
import { GGUF_FORMATS, reportProblems } from "./shared.js";

export const gguf005 = defineRule<GgufDocument>({
  meta: {
    id: "GGUF005",
    slug: "alignment-invalid",
    formats: GGUF_FORMATS,
    title: "GGUF alignment is not a power of two",
    description: "`general.alignment` is zero, not a power of two, or not a UINT32; readers divide and mask by it.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [369, 20],
    references: ["https://github.com/ggml-org/ggml/blob/master/docs/gguf.md"],
  },
  check: reportProblems("alignment"),
});
