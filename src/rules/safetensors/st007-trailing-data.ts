import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS, reportProblems } from "./shared.js";

export const st007 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST007",
    slug: "trailing-data",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors file has data after the last tensor",
    description: "Bytes follow the last tensor; the format forbids holes and trailing data precisely because they make polyglot files possible.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [436],
    references: ["https://github.com/huggingface/safetensors#format", "https://github.com/huggingface/safetensors/blob/main/safetensors/src/tensor.rs"],
  },
  check: reportProblems("trailing-data"),
});
