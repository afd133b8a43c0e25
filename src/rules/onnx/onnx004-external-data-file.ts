import type { OnnxExternalFileDocument } from "../../formats/onnx/types.js";
import { defineRule } from "../types.js";

const PROBLEM_TEXT: Record<string, string> = {
  symlink: "is a symbolic link",
  "outside-folder": "resolves outside the model folder",
  "hard-link": "is a hard link shared with another file",
};

export const onnx004 = defineRule<OnnxExternalFileDocument>({
  meta: {
    id: "ONNX004",
    slug: "onnx-external-data-file",
    formats: ["onnx-external-file"],
    title: "ONNX external data file is a link or lies outside the model folder",
    description: "In a scanned model folder, the file an ONNX tensor's external_data location names is a symlink, a hard link, or resolves outside the folder: the loader reads (or on re-save, writes) whatever it points to.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [59, 22],
    references: ["CVE-2026-27489", "CVE-2025-51480"],
  },
  check(doc, { report }) {
    const text = PROBLEM_TEXT[doc.problem];
    if (!text) return;
    report({
      message: `External data ${JSON.stringify(doc.location)} of tensor ${JSON.stringify(doc.tensor)} in ${doc.model} ${text}; the loader follows it and modelvet did not scan what it points to`,
      evidence: doc.resolved ? `resolves to ${doc.resolved}` : `location ${doc.location}`,
    });
  },
});
