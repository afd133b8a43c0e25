/** Kinds of header violation, one rule each: every kind crashes or misleads some loader. */
export type SafetensorsProblemKind =
  | "header-length"
  | "header-invalid"
  | "duplicate-key"
  | "unknown-dtype"
  | "size-mismatch"
  | "offsets"
  | "trailing-data"
  | "truncated-data"
  | "metadata-type";

export interface SafetensorsProblem {
  kind: SafetensorsProblemKind;
  message: string;
  /** Byte offset in the file. */
  offset?: number;
  /** Tensor (header key) concerned. */
  tensor?: string;
}

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: bigint[];
  /** `data_offsets`, relative to the end of the header. */
  begin: bigint;
  end: bigint;
  /** Offset of the tensor's key in the file. */
  offset: number;
}

export interface MetadataEntry {
  key: string;
  value: string;
  /** Offset of the value's key in the file. */
  offset: number;
}

/**
 * A safetensors file: the header as the reference loader would read it (last duplicate wins)
 * plus every way it departs from the format. Tensor data is never read.
 */
export interface SafetensorsDocument {
  fileSize: number;
  /** The u64 header length N; undefined when it does not fit a safe integer. */
  headerLength: number | undefined;
  tensors: SafetensorsTensor[];
  metadata: MetadataEntry[];
  problems: SafetensorsProblem[];
}
