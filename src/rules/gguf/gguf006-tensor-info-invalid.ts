import type { GgufDocument } from "../../formats/gguf/types.js";
import { defineRule } from "../types.js";
import { GGUF_FORMATS, reportProblems } from "./shared.js";

export const gguf006 = defineRule<GgufDocument>({
  meta: {
    id: "GGUF006",
    slug: "tensor-info-invalid",
    formats: GGUF_FORMATS,
    title: "GGUF tensor info is out of bounds",
    description: "A tensor offset is unaligned or out of order, its data runs past the end of the file, its shape overflows, it has more than four dimensions, or its name overflows ggml's 64-byte buffer.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [125, 190, 787],
    references: ["https://github.com/ggml-org/ggml/blob/master/docs/gguf.md", "CVE-2025-53630"],
  },
  check: reportProblems("tensor-info"),
});
