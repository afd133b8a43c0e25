import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS, reportProblems } from "./shared.js";

export const st002 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST002",
    slug: "header-length",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors header length is out of bounds",
    description: "The u64 header length is below 2, above the reference limit of 100 MB, or runs past the end of the file.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [130, 400],
    references: ["https://github.com/huggingface/safetensors#format"],
  },
  check: reportProblems("header-length"),
});
