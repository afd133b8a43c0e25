import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS, reportProblems } from "./shared.js";

export const st001 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST001",
    slug: "header-invalid",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors header is not a valid header",
    description: "The JSON header does not parse, is not an object, or a tensor entry lacks a well-typed dtype, shape or data_offsets.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [20],
    references: ["https://github.com/huggingface/safetensors#format"],
  },
  check: reportProblems("header-invalid"),
});
