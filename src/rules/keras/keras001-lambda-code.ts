import type { KerasDocument, KerasLambda } from "../../formats/keras/types.js";
import { defineRule } from "../types.js";
import { KERAS_FORMATS, rawOnly, rawWhy, where } from "./shared.js";

function describe(l: KerasLambda): string {
  switch (l.form) {
    case "source-text":
      return "a Lambda function given as Python source";
    case "lambda-layer":
      return "a Lambda layer (its function form was not recognised, but a Lambda always wraps Python code)";
    default:
      return `marshalled Python bytecode${l.codeBytes !== undefined ? ` (${l.codeBytes} bytes)` : ""} in ${l.form === "keras3-lambda" ? "a __lambda__ object" : l.form === "bytecode-b64" ? "a bytecode_b64 value" : "a Keras-2 Lambda function list"}`;
  }
}

function evidence(l: KerasLambda): string {
  if (l.source !== undefined) return `source: ${l.source}`;
  if (l.names.length > 0) return `names in the code: ${l.names.join(", ")}`;
  return l.decodeError ? `code not decoded: ${l.decodeError}` : "no names decoded";
}

export const keras001 = defineRule<KerasDocument>({
  meta: {
    id: "KERAS001",
    slug: "keras-lambda-code",
    formats: KERAS_FORMATS,
    title: "Keras model embeds Python code (Lambda)",
    description: "A Lambda layer or a __lambda__ object carries Python bytecode or source that Keras rebuilds and runs on load or on the first call (legacy H5 ignores safe_mode).",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [94, 502],
    references: ["CVE-2024-3660", "CVE-2025-9905", "https://research.jfrog.com/model-threats/keras-lambda/"],
  },
  check(doc, { report }) {
    for (const c of doc.configs) {
      for (const l of c.lambdas) {
        report({ message: `Keras ${where(c, l)} holds ${describe(l)}; it runs as Python when the model loads or runs`, evidence: evidence(l) });
      }
      for (const hit of rawOnly(c, "lambda")) {
        report({ message: `Keras ${c.origin} mentions a Lambda or bytecode (${rawWhy(c)})`, evidence: hit.text, offset: hit.offset });
      }
    }
  },
});
