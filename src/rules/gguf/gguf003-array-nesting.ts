import type { GgufDocument } from "../../formats/gguf/types.js";
import { defineRule } from "../types.js";
import { GGUF_FORMATS, reportProblems } from "./shared.js";

export const gguf003 = defineRule<GgufDocument>({
  meta: {
    id: "GGUF003",
    slug: "array-nesting",
    formats: GGUF_FORMATS,
    title: "GGUF metadata arrays nest too deeply",
    description: "Arrays of arrays: llama.cpp refuses them, and recursive readers such as gguf-py exhaust the stack on deep nesting.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [674],
    references: ["https://github.com/ggml-org/ggml/blob/master/docs/gguf.md"],
  },
  check: reportProblems("array-depth"),
});
