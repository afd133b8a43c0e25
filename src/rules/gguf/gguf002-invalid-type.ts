import type { GgufDocument } from "../../formats/gguf/types.js";
import { defineRule } from "../types.js";
import { GGUF_FORMATS, reportProblems } from "./shared.js";

export const gguf002 = defineRule<GgufDocument>({
  meta: {
    id: "GGUF002",
    slug: "invalid-type",
    formats: GGUF_FORMATS,
    title: "GGUF header uses an undefined type id",
    description: "A metadata value type, array element type or tensor ggml type is outside the defined set; parsers index tables with these ids.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [129, 20],
    references: ["https://github.com/ggml-org/ggml/blob/master/docs/gguf.md", "https://github.com/ggml-org/llama.cpp/pull/19856"],
  },
  check: reportProblems("type-enum"),
});
