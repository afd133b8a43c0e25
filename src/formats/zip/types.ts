/** What the zip reader saw: every header in both views, and every oddity between them. */

/** What an extractor would create for the entry (from the name and external attributes). */
export type ZipEntryKind = "file" | "directory" | "symlink";

/** One header as written in the file: a local header (4.3.7) or a central directory header (4.3.12). */
export interface ZipHeader {
  /** Offset of the header signature. */
  offset: number;
  versionNeeded: number;
  flags: number;
  method: number;
  crc32: number;
  /** Sizes after ZIP64 extra fields were applied. */
  compressedSize: number;
  uncompressedSize: number;
  /** Decoded per flag bit 11 (UTF-8) or as CP437, the way Python's zipfile decodes. */
  name: string;
  /**
   * Raw name bytes as a binary string (one char per byte), the way miniz (PyTorch) compares
   * names. A string, not a Uint8Array: an archive of 100,000 entries keeps two per entry, and a
   * typed array with its own buffer costs hundreds of bytes more than a short string.
   */
  nameRaw: string;
  extraLength: number;
  /** Info-ZIP Unicode Path extra field (0x7075), when present. */
  unicodePath?: string;
  /** A ZIP64 extended information extra field (0x0001) was present. */
  zip64: boolean;
  /** Central only. */
  versionMadeBy?: number;
  externalAttr?: number;
  localHeaderOffset?: number;
  diskStart?: number;
}

/** How a member's bytes were obtained and checked. */
export interface ZipDataInfo {
  status: "stored" | "inflated" | "unsupported-method" | "encrypted" | "refused" | "corrupt" | "outside-file" | "timeout";
  /** Bytes produced (stored: the compressed size). */
  outputBytes?: number;
  crc: "match" | "mismatch" | "not-checked";
  actualCrc?: number;
  /** Why the CRC was not checked. */
  crcNote?: string;
  /** Flag bit 0 set but the data reads as plaintext (PyTorch ignores the flag). */
  encryptionFlagOnPlaintext?: boolean;
}

export interface ZipEntry {
  /** Index in `ZipDocument.entries`. */
  id: number;
  /** Name readers key by: the central name, or the local name for entries only in the local view. */
  name: string;
  central?: ZipHeader;
  /** The local header at the entry's offset, when one could be read there. */
  local?: ZipHeader;
  /** Offset of the local header. */
  localOffset: number;
  /** Where member data starts, computed the way miniz does: local offset + 30 + local name + local extra. Undefined without a local header. */
  dataOffset: number | undefined;
  /** Sizes, method and flags as the reader used them (central view when there is one). */
  compressedSize: number;
  uncompressedSize: number;
  method: number;
  flags: number;
  kind: ZipEntryKind;
  /** Unix mode from the external attributes (upper 16 bits), when they carry one. */
  unixMode?: number;
  /** Symlink target read from the entry data. */
  linkTarget?: string;
  /** Reached by walking local headers from the first one, the way a streaming reader sees the archive. */
  streamReachable: boolean;
  data?: ZipDataInfo;
  /** Path of the member handed to the engine for this entry. */
  memberPath?: string;
}

/** Oddities that tell readers apart or make the archive unsafe. Codes are stable: rules filter on them. */
export type ZipAnomalyCode =
  // readers disagree (ARC004)
  | "name-mismatch"
  | "unicode-path-mismatch"
  | "flag-mismatch"
  | "method-mismatch"
  | "size-mismatch"
  | "unusual-flags"
  | "duplicate-name"
  | "overlapping-data"
  | "local-only"
  | "central-only"
  | "central-directory-shift"
  | "multiple-eocd"
  | "entry-count-mismatch"
  // integrity (ARC005)
  | "crc-mismatch"
  // polyglots (ARC006)
  | "prepended-data"
  | "appended-data"
  // encryption (ARC007)
  | "encrypted"
  // bombs (ARC003)
  | "compression-ratio"
  | "output-limit"
  // structure, informational
  | "zip64"
  | "data-descriptor"
  | "data-outside-file"
  | "unsupported-method";

export interface ZipAnomaly {
  code: ZipAnomalyCode;
  message: string;
  offset?: number;
  /** Entry ids involved. */
  entries?: number[];
  evidence?: string;
}

export interface ZipEocd {
  offset: number;
  /** Declared in the EOCD (or ZIP64 record). */
  entryCount: number;
  centralDirectoryOffset: number;
  centralDirectorySize: number;
  commentLength: number;
  zip64: boolean;
  /** Added to declared offsets to find headers (Python's "concat" for data prepended to a zip). */
  shift: number;
}

export interface ZipDocument {
  container: "zip";
  size: number;
  eocd?: ZipEocd;
  entries: ZipEntry[];
  anomalies: ZipAnomaly[];
}
