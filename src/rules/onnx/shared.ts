import type { LocationIssue, OnnxExternalTensor } from "../../formats/onnx/types.js";

/** Documents produced by the ONNX handler. */
export const ONNX_FORMATS = ["onnx"] as const;

const ISSUE_TEXT: Record<LocationIssue, string> = {
  empty: "an empty path",
  "nul-byte": "a NUL byte (C and C++ loaders stop reading the path there)",
  url: "a URL",
  "drive-letter": "a Windows drive path",
  "unc-path": "a UNC network path",
  absolute: "an absolute path",
  "parent-segment": "a `..` segment",
};

export function describeIssues(issues: readonly LocationIssue[], escapes: boolean): string {
  return issues.map((i) => (i === "parent-segment" && escapes ? "`..` segments that climb out of the model folder" : ISSUE_TEXT[i])).join(", ");
}

/** `tensor "w" in graph "main"`, for messages. */
export function tensorLabel(t: OnnxExternalTensor): string {
  return `tensor ${JSON.stringify(t.tensor)} in ${t.graph}`;
}

/** Loaders only follow `external_data` when `data_location` is EXTERNAL (1). */
export function locationNote(t: OnnxExternalTensor): string {
  return t.dataLocation === 1 ? "" : " (data_location is not EXTERNAL, so current loaders skip it, but tools that rewrite the model may not)";
}
