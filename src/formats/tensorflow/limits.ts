/** Bounds for TensorFlow graph and TFLite walks, on top of the protobuf reader's own. */

/** Serialized graphs nested inside graphs (DatasetFromGraph strings) followed before giving up (CWE-674). */
export const MAX_TF_NESTED_GRAPH_DEPTH = 8;

/** Distinct op names kept; a graph with more is synthetic (CWE-770). */
export const MAX_TF_DISTINCT_OPS = 100_000;

/** Sites remembered per op for evidence; the rest are counted (CWE-770). */
export const MAX_TF_OP_SITES = 5;

/** Function names kept in the document (the count is exact) (CWE-770). */
export const MAX_TF_FUNCTION_NAMES = 10_000;

/** Shortest string worth testing as a serialized GraphDef: one node with a name and an op. */
export const MIN_NESTED_GRAPH_BYTES = 6;

/** Bytes of a string sniffed to decide whether it is a serialized GraphDef. */
export const NESTED_GRAPH_SNIFF_BYTES = 4096;

/** TFLite vector lengths (operator codes, subgraphs, tensors, operators, buffers) accepted (CWE-770). */
export const MAX_TFLITE_VECTOR = 10_000_000;

/** TFLite tables (operators, tensors, buffers) visited per file: bounds CPU on table-dense input (CWE-834). */
export const MAX_TFLITE_TABLES = 5_000_000;

/** Longest TFLite string decoded (custom op names, description) (CWE-770). */
export const MAX_TFLITE_STRING_BYTES = 4096;
