import { reportDocument } from "../engine/scan.js";
import { PYTHON_RULES } from "../rules/python/index.js";
import type { FileReport } from "../core/finding.js";
import { PYTHON_MODULE_FORMAT, analyzePython } from "../formats/python/analyze.js";

/** Judges Python source as the folder pass does for a file tied by config.json's auto_map. */
export function judge(source: string): FileReport {
  const doc = analyzePython(source, { path: "model/modeling_x.py", tiedBy: ["auto_map.AutoModel in model/config.json"] });
  return reportDocument(PYTHON_MODULE_FORMAT, doc, { path: "model/modeling_x.py", rules: PYTHON_RULES });
}

export const ids = (report: FileReport): string[] => report.findings.map((f) => f.ruleId);
