/** torch dtypes the converter can write, with their safetensors names and element sizes. */
export type TorchDtype =
  | "float64"
  | "float32"
  | "float16"
  | "bfloat16"
  | "int64"
  | "int32"
  | "int16"
  | "int8"
  | "uint8"
  | "bool"
  | "float8_e4m3fn"
  | "float8_e5m2"
  | "float8_e4m3fnuz"
  | "float8_e5m2fnuz"
  | "uint16"
  | "uint32"
  | "uint64";

interface DtypeInfo {
  safetensors: string;
  size: number;
}

/** safetensors' names (safetensors/src/tensor.rs `Dtype`), as its torch binding maps them. */
export const DTYPES: Readonly<Record<TorchDtype, DtypeInfo>> = {
  float64: { safetensors: "F64", size: 8 },
  float32: { safetensors: "F32", size: 4 },
  float16: { safetensors: "F16", size: 2 },
  bfloat16: { safetensors: "BF16", size: 2 },
  int64: { safetensors: "I64", size: 8 },
  int32: { safetensors: "I32", size: 4 },
  int16: { safetensors: "I16", size: 2 },
  int8: { safetensors: "I8", size: 1 },
  uint8: { safetensors: "U8", size: 1 },
  bool: { safetensors: "BOOL", size: 1 },
  float8_e4m3fn: { safetensors: "F8_E4M3", size: 1 },
  float8_e5m2: { safetensors: "F8_E5M2", size: 1 },
  float8_e4m3fnuz: { safetensors: "F8_E4M3FNUZ", size: 1 },
  float8_e5m2fnuz: { safetensors: "F8_E5M2FNUZ", size: 1 },
  uint16: { safetensors: "U16", size: 2 },
  uint32: { safetensors: "U32", size: 4 },
  uint64: { safetensors: "U64", size: 8 },
};

/** Typed storage classes torch pickles (torch/storage.py `_dtype_to_storage_type_map`). */
const STORAGE_DTYPES: Record<string, TorchDtype> = {
  DoubleStorage: "float64",
  FloatStorage: "float32",
  HalfStorage: "float16",
  BFloat16Storage: "bfloat16",
  LongStorage: "int64",
  IntStorage: "int32",
  ShortStorage: "int16",
  CharStorage: "int8",
  ByteStorage: "uint8",
  BoolStorage: "bool",
  // Bytes; the tensor's dtype comes with _rebuild_tensor_v3 (float8, uint16… since torch 2.1).
  UntypedStorage: "uint8",
};

/** Storage types torch has but safetensors cannot hold: refused with this reason. */
const UNWRITABLE_STORAGES: Record<string, string> = {
  ComplexFloatStorage: "complex64 has no safetensors dtype",
  ComplexDoubleStorage: "complex128 has no safetensors dtype",
  QUInt8Storage: "quantized tensors have no safetensors form",
  QInt8Storage: "quantized tensors have no safetensors form",
  QInt32Storage: "quantized tensors have no safetensors form",
  QUInt4x2Storage: "quantized tensors have no safetensors form",
  QUInt2x4Storage: "quantized tensors have no safetensors form",
};

/** The dtype of `torch.<Name>Storage`, or why it cannot be converted. */
export function storageDtype(module: string, name: string): { dtype: TorchDtype } | { reason: string } {
  if (module !== "torch" && module !== "torch.storage") return { reason: `${module}.${name} is not a torch storage class` };
  const dtype = STORAGE_DTYPES[name];
  if (dtype !== undefined) return { dtype };
  return { reason: UNWRITABLE_STORAGES[name] ?? `${module}.${name} is not a storage type the converter knows` };
}

/** `torch.float8_e4m3fn` as pickled (a dtype reduces to its name in module torch). */
export function torchDtype(module: string, name: string): TorchDtype | undefined {
  if (module !== "torch") return undefined;
  return Object.prototype.hasOwnProperty.call(DTYPES, name) ? (name as TorchDtype) : undefined;
}

/** numpy type strings (`<f4`, `|b1`, …) the converter writes; byte order is handled by the caller. */
const NUMPY_KINDS: Record<string, TorchDtype> = {
  f8: "float64",
  f4: "float32",
  f2: "float16",
  i8: "int64",
  i4: "int32",
  i2: "int16",
  i1: "int8",
  u1: "uint8",
  u2: "uint16",
  u4: "uint32",
  u8: "uint64",
  b1: "bool",
};

/** A numpy descr string as a dtype and byte order, or why it cannot be converted. */
export function numpyDtype(descr: string): { dtype: TorchDtype; bigEndian: boolean } | { reason: string } {
  const m = /^([<>|=]?)([a-z])(\d{1,2})$/.exec(descr);
  const dtype = m ? NUMPY_KINDS[`${m[2]}${m[3]}`] : undefined;
  if (!m || dtype === undefined) return { reason: `numpy dtype ${JSON.stringify(descr.slice(0, 40))} has no safetensors equivalent` };
  return { dtype, bigEndian: m[1] === ">" && DTYPES[dtype].size > 1 };
}
