import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS, reportProblems } from "./shared.js";

export const st008 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST008",
    slug: "truncated-data",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors tensor data runs past the end of the file",
    description: "The header declares more tensor data than the file holds: a truncated download or a header crafted to make loaders read out of bounds.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [130, 125],
    references: ["https://github.com/huggingface/safetensors#format"],
  },
  check: reportProblems("truncated-data"),
});
