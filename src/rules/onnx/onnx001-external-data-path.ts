import type { OnnxDocument } from "../../formats/onnx/types.js";
import { defineRule } from "../types.js";
import { ONNX_FORMATS, describeIssues, locationNote, tensorLabel } from "./shared.js";

/** Issues that make a location leave the model folder; an empty one only breaks loading. */
const ESCAPING = new Set(["nul-byte", "url", "drive-letter", "unc-path", "absolute", "parent-segment"]);

export const onnx001 = defineRule<OnnxDocument>({
  meta: {
    id: "ONNX001",
    slug: "onnx-external-data-path",
    formats: ONNX_FORMATS,
    title: "ONNX external data points outside the model folder",
    description: "A tensor's external_data location is absolute, a URL, a drive or UNC path, or contains `..`: loading reads (and re-saving writes) a file the model's author chose anywhere on the machine.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [22, 73],
    references: ["CVE-2022-25882", "CVE-2024-27318", "CVE-2025-51480", "https://onnx.ai/onnx/repo-docs/ExternalData.html"],
  },
  check(doc, { report }) {
    for (const t of doc.externalData) {
      const location = t.location;
      if (!location) continue;
      const issues = location.issues.filter((i) => ESCAPING.has(i));
      if (issues.length === 0) continue;
      report({
        message: `ONNX ${tensorLabel(t)} takes its data from ${JSON.stringify(location.raw)}, which has ${describeIssues(issues, location.escapes)}: the loader opens that file instead of one beside the model${locationNote(t)}`,
        evidence: `location ${JSON.stringify(location.raw)} resolves to ${JSON.stringify(location.normalized)}`,
        offset: t.offset,
      });
    }
  },
});
