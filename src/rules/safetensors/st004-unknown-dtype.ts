import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS, reportProblems } from "./shared.js";

export const st004 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST004",
    slug: "unknown-dtype",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors tensor has an unknown dtype",
    description: "A tensor declares a dtype the reference implementation does not define, so its size cannot be checked and loaders reject or misread it.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [20],
    references: ["https://github.com/huggingface/safetensors#format"],
  },
  check: reportProblems("unknown-dtype"),
});
