import type { SafetensorsDocument } from "../../formats/safetensors/types.js";
import { defineRule } from "../types.js";
import { SAFETENSORS_FORMATS, reportProblems } from "./shared.js";

export const st003 = defineRule<SafetensorsDocument>({
  meta: {
    id: "ST003",
    slug: "duplicate-key",
    formats: SAFETENSORS_FORMATS,
    title: "Safetensors header repeats a key",
    description: "The header JSON holds the same key twice; parsers disagree on which one counts, so what a scanner sees is not what a loader loads.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [694, 436],
    references: ["https://github.com/huggingface/safetensors#format"],
  },
  check: reportProblems("duplicate-key"),
});
