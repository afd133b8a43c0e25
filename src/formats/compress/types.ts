/** What a compression wrapper handler saw. */

export type CompressionFormat = "gzip" | "zlib" | "zstd" | "bzip2" | "xz" | "lz4" | "7z";

export type CompressedAnomalyCode =
  // bombs (ARC003)
  | "compression-ratio"
  | "output-limit"
  // polyglots (ARC006)
  | "appended-data"
  // no decoder: fail closed
  | "unsupported";

export interface CompressedAnomaly {
  code: CompressedAnomalyCode;
  message: string;
  offset?: number;
  evidence?: string;
}

/** RFC 1952 member header fields of the first gzip member. */
export interface GzipHeaderInfo {
  flags: number;
  mtime: number;
  os: number;
  /** FNAME: the original file name the writer recorded. */
  name?: string;
  comment?: string;
  /** Offset where the deflate data starts, when the header fits the parsed window. */
  dataOffset?: number;
}

export interface CompressedDocument {
  container: CompressionFormat;
  size: number;
  /** Decompressed bytes handed on as the member (absent when nothing was decoded). */
  outputBytes?: number;
  /** Members (gzip) or frames (zstd) decoded. */
  streams?: number;
  gzip?: GzipHeaderInfo;
  /** Path of the member handed to the engine. */
  memberPath?: string;
  anomalies: CompressedAnomaly[];
}
