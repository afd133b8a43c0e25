import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS, reportProblems } from "./shared.js";

export const st006 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST006",
    slug: "offsets-invalid",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors tensor offsets leave gaps or overlap",
    description: "Tensor byte ranges, sorted, do not tile the data section: a range ends before it begins, ranges overlap, or bytes belong to no tensor.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [119, 436],
    references: ["https://github.com/huggingface/safetensors#format"],
  },
  check: reportProblems("offsets"),
});
