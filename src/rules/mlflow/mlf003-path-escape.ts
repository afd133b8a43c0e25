import type { MlflowModelDocument } from "../../formats/mlflow/parse.js";
import { defineRule } from "../types.js";

export const mlf003 = defineRule<MlflowModelDocument>({
  meta: {
    id: "MLF003",
    slug: "mlflow-path-escape",
    formats: ["mlflow-model"],
    title: "MLmodel path points outside the model directory",
    description: "A path MLflow joins onto the model directory (pickled_model, data, code, env files, artifact paths) uses '..', an absolute path, a URI scheme such as file://, or a '#' fragment: loading reads files the scan of the model folder never saw.",
    defaultSeverity: "medium",
    confidence: "high",
    cwe: [22, 73],
    references: ["CVE-2023-6977", "CVE-2024-1483", "CVE-2024-3848", "https://github.com/mlflow/mlflow/issues/7166"],
  },
  check(doc, { report }) {
    for (const issue of doc.pathIssues) {
      const where = issue.flavor ? `flavour ${issue.flavor}, ${issue.key}` : issue.key;
      report({ message: `MLmodel ${where} = ${JSON.stringify(issue.value)} ${issue.reason}`, evidence: `${issue.key}: ${issue.value}` });
    }
  },
});
