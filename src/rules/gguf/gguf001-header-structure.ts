import type { GgufDocument } from "../../formats/gguf/types.js";
import { defineRule } from "../types.js";
import { GGUF_FORMATS, reportProblems } from "./shared.js";

export const gguf001 = defineRule<GgufDocument>({
  meta: {
    id: "GGUF001",
    slug: "header-structure",
    formats: GGUF_FORMATS,
    title: "GGUF header lengths or counts do not fit the file",
    description: "A count, string length or array length in the GGUF header runs past the end of the file, a key is empty or too long, or a value is malformed: the shapes behind the llama.cpp / GGML parser overflows.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [130, 190, 787],
    references: ["https://github.com/ggml-org/ggml/blob/master/docs/gguf.md", "CVE-2024-25664", "CVE-2024-25665", "CVE-2024-25666", "CVE-2024-25667", "CVE-2024-25668", "CVE-2025-53630"],
  },
  check: reportProblems("structure"),
});
