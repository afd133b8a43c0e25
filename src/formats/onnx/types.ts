/** What the ONNX walker extracts from a ModelProto: facts rules read, no tensor data. */

/** Operator domains whose kernels ship with ONNX / ONNX Runtime; anything else needs a native library. */
export const STANDARD_ONNX_DOMAINS: readonly string[] = ["", "ai.onnx", "ai.onnx.ml", "ai.onnx.preview.training", "com.microsoft"];

/** Keys ONNX's `ExternalDataInfo` expects; it `setattr`s every key it finds (CVE-2026-34445). */
export const EXTERNAL_DATA_KEYS: readonly string[] = ["location", "offset", "length", "checksum", "basepath"];

/** Where a node sits, for evidence: `graph 'main' > node 3 'If_0' (If).then_branch > node 0 'x' (Foo)`. */
export interface OnnxSite {
  graph: string;
  node: string;
  /** Offset of the NodeProto. */
  offset: number;
}

export interface OnnxOpUse {
  domain: string;
  opType: string;
  count: number;
  /** The first few sites. */
  sites: OnnxSite[];
  /** A FunctionProto of the model defines this op: it expands to other ops, no native kernel. */
  localFunction: boolean;
}

export type LocationIssue =
  | "empty"
  | "nul-byte"
  | "url"
  | "drive-letter"
  | "unc-path"
  | "absolute"
  | "parent-segment";

export interface ExternalLocation {
  /** As written in the model. */
  raw: string;
  /** Backslashes turned into slashes, `.` and `..` segments resolved; a leading `../` means it climbs out. */
  normalized: string;
  issues: LocationIssue[];
  /** Resolving `..` segments climbs above the model's folder. */
  escapes: boolean;
}

export interface OnnxExternalEntry {
  key: string;
  value: string;
  offset: number;
}

export interface ExternalNumberIssue {
  key: "offset" | "length";
  value: string;
  reason: string;
}

export interface OnnxExternalTensor {
  tensor: string;
  graph: string;
  /** Offset of the TensorProto. */
  offset: number;
  /** `data_location`: 1 means EXTERNAL; loaders ignore `external_data` otherwise. */
  dataLocation: number | undefined;
  entries: OnnxExternalEntry[];
  /** The `location` entry, when present (the last one wins, as in Python's setattr loop). */
  location?: ExternalLocation;
  unknownKeys: string[];
  duplicateKeys: string[];
  numberIssues: ExternalNumberIssue[];
}

export interface OnnxFunction {
  domain: string;
  name: string;
  offset: number;
}

export interface OnnxDocument {
  format: "onnx";
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  opsetImports: { domain: string; version: number }[];
  ops: OnnxOpUse[];
  functions: OnnxFunction[];
  externalData: OnnxExternalTensor[];
  /** Tensors with external data beyond the recording limit. */
  externalDataOmitted: number;
  graphs: number;
  nodes: number;
  maxGraphDepth: number;
  /** Initialisers (graph weights), for listings such as `modelvet inspect`; capped at MAX_ONNX_INITIALIZERS. */
  initializers?: OnnxInitializer[];
}

/** A graph initialiser as declared: name, TensorProto.DataType, dims, bytes of inline raw_data. */
export interface OnnxInitializer {
  name: string;
  graph: string;
  dataType: number;
  dims: number[];
  /** Length of raw_data (0 when the values are in typed fields or external). */
  rawBytes: number;
}

/**
 * A fact the folder walker finds about an external-data file, outside the model's bytes: the
 * node layer builds it and runs the rules of format `onnx-external-file` on it
 * (`reportDocument("onnx-external-file", doc, …)`).
 */
export interface OnnxExternalFileDocument {
  format: "onnx-external-file";
  /** The model file that names the location. */
  model: string;
  tensor: string;
  location: string;
  /** What the walker found at the location. */
  problem: "symlink" | "outside-folder" | "hard-link" | "missing" | "not-a-file";
  /** Where a symlink or the path resolves to, when known. */
  resolved?: string;
}
