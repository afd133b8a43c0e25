/**
 * Kinds of GGUF header defect, one rule each. These are the shapes behind the llama.cpp / GGML
 * parser CVEs (CVE-2024-25664..25668, CVE-2025-53630): lengths and counts that wrap or run past
 * the file, bad type ids, deep arrays, bad alignment, tensors outside the data.
 */
export type GgufProblemKind = "structure" | "type-enum" | "array-depth" | "duplicate" | "alignment" | "tensor-info";

export interface GgufProblem {
  kind: GgufProblemKind;
  message: string;
  /** Byte offset in the file. */
  offset?: number;
}

export interface GgufKv {
  key: string;
  type: number;
  /** Offset of the key. */
  offset: number;
  /** Scalars, and strings up to the inline limit. */
  value?: string | number | bigint | boolean;
  /** For strings: byte length and offset of the bytes. */
  stringSpan?: { offset: number; length: number };
  /** For arrays: element type and count. */
  arrayType?: number;
  arrayLength?: bigint;
}

export interface GgufTensorInfo {
  name: string;
  dims: bigint[];
  type: number;
  /** Offset relative to the start of the tensor data. */
  offset: bigint;
  /** Offset of the tensor info in the file. */
  at: number;
}

/** A chat template string inside the header (`tokenizer.chat_template`, `tokenizer.chat_template.<name>`). */
export interface GgufTemplate {
  key: string;
  offset: number;
  length: number;
}

/** A GGUF file's header: KVs, tensor infos and every departure from the format. Tensor data is never read. */
export interface GgufDocument {
  version: number;
  littleEndian: boolean;
  tensorCount: bigint;
  kvCount: bigint;
  kvs: GgufKv[];
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Offset of the tensor data (end of header, aligned); undefined when the header did not parse. */
  dataOffset: number | undefined;
  templates: GgufTemplate[];
  problems: GgufProblem[];
  /** True when the whole header was read; false when a problem stopped the parser. */
  complete: boolean;
}
