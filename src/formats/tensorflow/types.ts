/** Facts the TensorFlow walkers extract: op names and where they sit, never tensor data. */

export interface TfSite {
  /** `graph`, `function "f"`, `graph > nested graph in node "ds" (Const)`. */
  where: string;
  node: string;
  /** Offset of the NodeDef (or TFLite operator code table). */
  offset: number;
}

export interface TfOpUse {
  op: string;
  count: number;
  sites: TfSite[];
}

export interface TfNestedGraph {
  where: string;
  node: string;
  /** How it was carried: `attr "graph_def"`, `tensor string_val`, `collection "x"`. */
  via: string;
  offset: number;
  /** Nodes in the nested graph itself. */
  nodes: number;
}

export interface TfPrintTarget {
  where: string;
  node: string;
  target: string;
  offset: number;
}

export interface TfGraphDocument {
  format: "tf-savedmodel" | "tf-graphdef";
  schemaVersion?: number;
  metaGraphs: { tags: string[]; tensorflowVersion?: string }[];
  ops: TfOpUse[];
  /** Names of library functions (first MAX_TF_FUNCTION_NAMES); `functionCount` is exact. */
  functions: string[];
  functionCount: number;
  nestedGraphs: TfNestedGraph[];
  /** PrintV2 nodes and their `output_stream`. */
  printTargets: TfPrintTarget[];
  /** `meta_info_def.stripped_op_list`: ops the producer says the graph needs. */
  strippedOps: string[];
  nodes: number;
  graphs: number;
}

export interface TfliteOperatorCode {
  index: number;
  /** Effective builtin code: max(deprecated_builtin_code, builtin_code). */
  builtin: number;
  custom?: string;
  version: number;
  offset: number;
}

export interface TfliteDocument {
  format: "tflite";
  version: number;
  description?: string;
  operatorCodes: TfliteOperatorCode[];
  /** TensorFlow ops run through the Flex delegate (`Flex` + op name). */
  ops: TfOpUse[];
  /** Custom (non-Flex) ops, with how many operators use them. */
  customOps: { name: string; count: number; offset: number }[];
  subgraphs: number;
  operators: number;
  tensors: number;
  buffers: number;
  printTargets: TfPrintTarget[];
}

/** The documents TF rules read: both carry `ops` (and `printTargets`). */
export type TfOpsDocument = TfGraphDocument | TfliteDocument;

/** BuiltinOperator.CUSTOM in the TFLite schema. */
export const TFLITE_CUSTOM = 32;
