import type { FormatSniffer, SniffHint } from "../../core/handler.js";

/** Largest MLmodel read (CWE-400): MLflow writes a few kilobytes (signatures can be larger). */
export const MLMODEL_MAX_BYTES = 8 * 1024 * 1024;

/** Top-level keys MLflow writes next to `flavors:`. */
const MLMODEL_KEYS = /^(?:artifact_path|mlflow_version|model_uuid|model_id|utc_time_created|run_id|signature|model_size_bytes|saved_input_example_info|databricks_runtime):/m;

export function sniffMlmodel(head: Uint8Array, hint: SniffHint): "strong" | "weak" | "no" {
  if (hint.size > MLMODEL_MAX_BYTES || head.includes(0)) return "no";
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head);
  if (!/^flavors:[ \t]*(?:#.*)?\r?$/m.test(text)) return "no";
  return hint.name === "MLmodel" || MLMODEL_KEYS.test(text) ? "strong" : "weak";
}

export const mlmodelSniffer: FormatSniffer = { id: "mlflow-model", priority: 20, sniff: sniffMlmodel };
