/** What a compression wrapper handler saw. */

export type CompressionFormat = "gzip" | "zlib" | "zstd" | "bzip2" | "xz" | "lzma" | "lz4" | "7z";

export type CompressedAnomalyCode =
  // bombs (ARC003)
  | "compression-ratio"
  | "output-limit"
  // polyglots (ARC006)
  | "appended-data"
  // a stored check (xz block check, bzip2 block CRC, 7z CRC) does not match the data
  | "crc-mismatch"
  // content behind a password (7z AES): fail closed
  | "encrypted"
  // a method or filter with no decoder: fail closed
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
  /** Why some stored checksums were not verified. */
  checksumNote?: string;
  /** The archive listing of a 7z file. */
  sevenZip?: SevenZipListing;
  anomalies: CompressedAnomaly[];
}

/** One 7z file entry, in the shape the archive rules read entries. */
export interface SevenZipEntry {
  /** Index in the archive's file list. */
  id: number;
  /** The name 7-Zip extracts to (UTF-16 in the header); also the member path when it has data. */
  name: string;
  kind: "file" | "directory" | "symlink" | "anti";
  size: number;
  /** Windows attributes; with 0x8000 set the high 16 bits are `unixMode`. */
  attributes?: number;
  unixMode?: number;
  /** A symlink's target (its data), when it was decoded. */
  linkTarget?: string;
  /** Folder (compressed block) holding the data. */
  folder?: number;
  /** Offset of the folder's packed data, or of the header for entries without data. */
  offset: number;
  crc: "match" | "mismatch" | "none" | "not-checked";
  /** Path of the member handed to the engine for this entry's data. */
  memberPath?: string;
  /** Why the entry's data was not scanned (encrypted, unsupported method, a cap). */
  notScanned?: string;
}

export interface SevenZipListing {
  version: string;
  /** Methods of each encoded-header layer, outermost first; empty for a plain header. */
  headerMethods: string[][];
  headerEncrypted: boolean;
  folders: { methods: string[]; packSize: number; unpackSize: number; files: number }[];
  entries: SevenZipEntry[];
}
