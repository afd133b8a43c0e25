import type { OnnxDocument } from "../../formats/onnx/types.js";
import { EXTERNAL_DATA_KEYS } from "../../formats/onnx/types.js";
import { defineRule } from "../types.js";
import { ONNX_FORMATS, locationNote, tensorLabel } from "./shared.js";

export const onnx002 = defineRule<OnnxDocument>({
  meta: {
    id: "ONNX002",
    slug: "onnx-external-data-keys",
    formats: ONNX_FORMATS,
    title: "ONNX external data has unexpected keys or sizes",
    description: "A tensor's external_data has keys other than location, offset, length, checksum and basepath (the loader sets each as an attribute of its own object), repeats a key, or gives an offset or length that is not a plain decimal number or is absurdly large.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [915, 789],
    references: ["CVE-2026-34445", "https://onnx.ai/onnx/repo-docs/ExternalData.html"],
  },
  check(doc, { report }) {
    for (const t of doc.externalData) {
      const problems: string[] = [];
      if (t.unknownKeys.length > 0) problems.push(`unknown key(s) ${t.unknownKeys.map((k) => JSON.stringify(k)).join(", ")} (expected ${EXTERNAL_DATA_KEYS.join(", ")})`);
      if (t.duplicateKeys.length > 0) problems.push(`repeated key(s) ${t.duplicateKeys.map((k) => JSON.stringify(k)).join(", ")}`);
      for (const n of t.numberIssues) problems.push(`${n.key} ${JSON.stringify(n.value)} is ${n.reason}`);
      if (problems.length === 0) continue;
      report({
        message: `ONNX ${tensorLabel(t)} has malformed external_data: ${problems.join("; ")}${locationNote(t)}`,
        evidence: t.entries.slice(0, 8).map((e) => `${e.key}=${JSON.stringify(e.value)}`).join(", "),
        offset: t.offset,
      });
    }
  },
});
