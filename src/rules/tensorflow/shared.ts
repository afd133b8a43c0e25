import type { TfOpUse } from "../../formats/tensorflow/types.js";

/** Documents whose `ops` are TensorFlow op names: graphs, SavedModels, and TFLite Flex ops. */
export const TF_OP_FORMATS = ["tf-savedmodel", "tf-graphdef", "tflite"] as const;

/** `node 3 "w" (WriteFile) in graph; …` for evidence. */
export function sitesEvidence(use: TfOpUse): string {
  const shown = use.sites.map((s) => `${s.where}: ${s.node}`).join("; ");
  return use.count > use.sites.length ? `${shown} (+${use.count - use.sites.length} more)` : shown;
}

/** How the op gets to run, by document format. */
export function runsWhen(format: string): string {
  if (format === "tflite") return "TFLite runs it through the Flex delegate (a full TensorFlow kernel)";
  return "it runs when the graph or function runs, which for SavedModels includes loading and restoring";
}
