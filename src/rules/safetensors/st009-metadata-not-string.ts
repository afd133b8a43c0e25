import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS, reportProblems } from "./shared.js";

export const st009 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST009",
    slug: "metadata-not-string",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors metadata is not string to string",
    description: "`__metadata__` is not an object of strings; the reference loader rejects it and other readers may interpret it.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [20],
    references: ["https://github.com/huggingface/safetensors#format"],
  },
  check: reportProblems("metadata-type"),
});
