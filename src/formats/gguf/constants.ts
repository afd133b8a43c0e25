/** GGUF metadata value types (gguf.md, `gguf_type`). */
export const ValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;

export const VALUE_TYPE_NAMES: readonly string[] = ["UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "FLOAT32", "BOOL", "STRING", "ARRAY", "UINT64", "INT64", "FLOAT64"];

/** Byte size of fixed-size value types; STRING and ARRAY are variable. */
export const FIXED_SIZE: ReadonlyMap<number, number> = new Map([
  [ValueType.UINT8, 1],
  [ValueType.INT8, 1],
  [ValueType.UINT16, 2],
  [ValueType.INT16, 2],
  [ValueType.UINT32, 4],
  [ValueType.INT32, 4],
  [ValueType.FLOAT32, 4],
  [ValueType.BOOL, 1],
  [ValueType.UINT64, 8],
  [ValueType.INT64, 8],
  [ValueType.FLOAT64, 8],
]);

/**
 * ggml tensor types still defined, with [block size in elements, bytes per block], as in
 * gguf-py's GGML_QUANT_SIZES (0.19). Ids 4, 5 and 31-33, 36-38 were removed and are invalid.
 */
export const GGML_TYPES: ReadonlyMap<number, { name: string; block: number; bytes: number }> = new Map(
  (
    [
      [0, "F32", 1, 4],
      [1, "F16", 1, 2],
      [2, "Q4_0", 32, 18],
      [3, "Q4_1", 32, 20],
      [6, "Q5_0", 32, 22],
      [7, "Q5_1", 32, 24],
      [8, "Q8_0", 32, 34],
      [9, "Q8_1", 32, 40],
      [10, "Q2_K", 256, 84],
      [11, "Q3_K", 256, 110],
      [12, "Q4_K", 256, 144],
      [13, "Q5_K", 256, 176],
      [14, "Q6_K", 256, 210],
      [15, "Q8_K", 256, 292],
      [16, "IQ2_XXS", 256, 66],
      [17, "IQ2_XS", 256, 74],
      [18, "IQ3_XXS", 256, 98],
      [19, "IQ1_S", 256, 50],
      [20, "IQ4_NL", 32, 18],
      [21, "IQ3_S", 256, 110],
      [22, "IQ2_S", 256, 82],
      [23, "IQ4_XS", 256, 136],
      [24, "I8", 1, 1],
      [25, "I16", 1, 2],
      [26, "I32", 1, 4],
      [27, "I64", 1, 8],
      [28, "F64", 1, 8],
      [29, "IQ1_M", 256, 56],
      [30, "BF16", 1, 2],
      [34, "TQ1_0", 256, 54],
      [35, "TQ2_0", 256, 66],
      [39, "MXFP4", 32, 17],
      [40, "NVFP4", 64, 36],
      [41, "Q1_0", 128, 18],
    ] as const
  ).map(([id, name, block, bytes]) => [id, { name, block, bytes }]),
);

/** `general.alignment` when absent (GGUF_DEFAULT_ALIGNMENT). */
export const DEFAULT_ALIGNMENT = 32;
/** ggml's GGML_MAX_DIMS: tensors have at most four dimensions. */
export const GGML_MAX_DIMS = 4;
/** ggml's GGML_MAX_NAME: names are copied into a 64-byte buffer, NUL included. */
export const GGML_MAX_NAME = 64;
