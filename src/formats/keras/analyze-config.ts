import { defect, type Defect } from "../../core/defect.js";
import { ConfigWalker, type KerasBlob } from "./config-walk.js";
import { MAX_KERAS_CONFIG_DEPTH, MAX_KERAS_CONFIG_NODES, MAX_KERAS_FACTS } from "./limits.js";
import { parsePythonJson } from "./python-json.js";
import { rawScan } from "./raw-scan.js";
import type { KerasConfigFacts } from "./types.js";

export interface KerasConfigAnalysis {
  facts: KerasConfigFacts;
  /** Embedded payloads to scan as members (TorchModuleWrapper torch blobs). */
  blobs: KerasBlob[];
  defects: Defect[];
}

/**
 * Analyses one Keras config text (`config.json`, or an H5 `model_config`/`training_config`):
 * the raw text is scanned for markers first, then the JSON (Python dialect) is parsed and its
 * whole tree walked.
 *
 * @example
 * const { facts } = analyzeKerasConfig(text, "config.json");
 * facts.lambdas.length; // 1 for a model with a Lambda layer
 */
export function analyzeKerasConfig(text: string, origin: string): KerasConfigAnalysis {
  const facts: KerasConfigFacts = { origin, parsed: false, kerasShaped: false, values: 0, truncated: false, refs: [], lambdas: [], torchModules: [], flags: [], pathArgs: [], rawHits: rawScan(text) };
  const defects: Defect[] = [];
  const parsed = parsePythonJson(text);
  if (!parsed.ok) {
    facts.parseError = parsed.error;
    const d = parsed.limit === undefined
      ? defect("keras-config-json", `Cannot parse Keras ${origin} as JSON: ${parsed.error}; only its raw text was searched`)
      : defect("limit-exceeded", `Keras ${origin} not parsed: ${parsed.error} (limit ${parsed.limit}); only its raw text was searched`, { limit: parsed.limit });
    defects.push(d);
    return { facts, blobs: [], defects };
  }
  facts.parsed = true;
  const root = parsed.value;
  facts.kerasShaped = typeof root === "object" && root !== null && !Array.isArray(root) && typeof (root as Record<string, unknown>).class_name === "string" && "config" in root;
  const walker = new ConfigWalker(facts);
  walker.walk(root);
  if (facts.truncated) {
    defects.push(defect("limit-exceeded", `Keras ${origin} is larger than the walk allows (${MAX_KERAS_CONFIG_NODES} values, depth ${MAX_KERAS_CONFIG_DEPTH}, ${MAX_KERAS_FACTS} facts of a kind); the rest was not checked`, { limit: "MAX_KERAS_CONFIG_NODES" }));
  }
  return { facts, blobs: walker.blobs, defects };
}
