/** Bounds for ONNX model walks, on top of the protobuf reader's own. */

/** Subgraphs nested in attributes (If/Loop/Scan bodies) followed before giving up (CWE-674). */
export const MAX_ONNX_GRAPH_DEPTH = 30;

/** Distinct (domain, op_type) pairs kept; a model with more is synthetic (CWE-770). */
export const MAX_ONNX_DISTINCT_OPS = 100_000;

/** Sites remembered per op for evidence; the rest are counted (CWE-770). */
export const MAX_ONNX_OP_SITES = 5;

/** Tensors with external data recorded in the document; the rest are counted (CWE-770). */
export const MAX_ONNX_EXTERNAL_TENSORS = 100_000;

/** `external_data` entries kept per tensor; the loader sets each key as an attribute (CWE-770). */
export const MAX_ONNX_EXTERNAL_ENTRIES = 64;

/**
 * An external-data `offset` or `length` above 1 TiB is absurd for one tensor: the loader would
 * seek or allocate it (CVE-2026-34445 "instant crash" by huge allocation) (CWE-789).
 */
export const ABSURD_EXTERNAL_BYTES = 2 ** 40;

/** Initialisers recorded for listings (CWE-770); large models have a few thousand. */
export const MAX_ONNX_INITIALIZERS = 100_000;
/** Dimensions read per initialiser (ONNX tensors rarely pass 8). */
export const MAX_ONNX_DIMS = 64;
