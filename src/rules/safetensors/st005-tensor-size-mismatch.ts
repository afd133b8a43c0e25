import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS, reportProblems } from "./shared.js";

export const st005 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST005",
    slug: "tensor-size-mismatch",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors tensor size does not match its byte range",
    description: "Shape times dtype size overflows, is not a whole number of bytes, or differs from the data_offsets range.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [130, 125],
    references: ["https://github.com/huggingface/safetensors#format"],
  },
  check: reportProblems("size-mismatch"),
});
