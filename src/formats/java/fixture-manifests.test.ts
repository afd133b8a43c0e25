import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { HTML_RULES } from "../../rules/html/index.js";
import { RULES } from "../../rules/index.js";
import { JAVA_RULES } from "../../rules/java/index.js";
import { MLFLOW_RULES } from "../../rules/mlflow/index.js";
import { NOTEBOOK_RULES } from "../../rules/notebook/index.js";
import { h2oBinaryHandler, h2oMojoHandler } from "../h2o/index.js";
import { htmlHandler } from "../html/index.js";
import { FORMAT_HANDLERS } from "../index.js";
import { mlmodelHandler } from "../mlflow/index.js";
import { notebookHandler } from "../notebook/index.js";
import { zipHandler } from "../zip/index.js";
import { javaHandler } from "./index.js";

const handlers = [...FORMAT_HANDLERS, zipHandler, javaHandler, h2oBinaryHandler, h2oMojoHandler, htmlHandler, notebookHandler, mlmodelHandler];
const rules = [...RULES, ...JAVA_RULES, ...HTML_RULES, ...NOTEBOOK_RULES, ...MLFLOW_RULES];

interface Entry {
  file: string;
  verdict: string;
  rules: string[];
}

/** Every committed fixture of the Java, H2O, notebook and MLflow sets scans to its manifest verdict. */
for (const area of ["java", "h2o", "notebook", "mlflow"]) {
  const dir = new URL(`../../../fixtures/${area}/`, import.meta.url);
  const manifest = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8")) as Entry[];
  describe(`fixtures/${area}`, () => {
    for (const entry of manifest) {
      it(`${entry.file} is ${entry.verdict} with ${entry.rules.join(", ") || "no finding above low"}`, async () => {
        const bytes = new Uint8Array(readFileSync(new URL(entry.file, dir)));
        const report = await scanSource(new MemorySource(bytes), { path: entry.file.split("/").pop() as string, handlers, rules });
        const ids = report.findings.map((f) => f.ruleId);
        expect(report.verdict, JSON.stringify(report.findings, null, 1)).toBe(entry.verdict);
        for (const id of entry.rules) expect(ids).toContain(id);
        expect(report.errors).toEqual([]);
      });
    }
  });
}
