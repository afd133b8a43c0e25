import type { GgufDocument } from "../../formats/gguf/types.js";
import { defineRule } from "../types.js";
import { GGUF_FORMATS, reportProblems } from "./shared.js";

export const gguf004 = defineRule<GgufDocument>({
  meta: {
    id: "GGUF004",
    slug: "duplicate-key",
    formats: GGUF_FORMATS,
    title: "GGUF header repeats a key or tensor name",
    description: "Two KV pairs share a key, or two tensors share a name; readers disagree on which one counts.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [694, 436],
    references: ["https://github.com/ggml-org/ggml/blob/master/docs/gguf.md"],
  },
  check: reportProblems("duplicate"),
});
