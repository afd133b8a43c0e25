/** What the tar reader saw: every header, every spelling of every name, and the oddities. */

export type TarEntryKind = "file" | "directory" | "symlink" | "hardlink" | "char-device" | "block-device" | "fifo" | "sparse" | "other";

/** Header dialects (POSIX.1-1988 ustar, GNU, pre-POSIX v7); `pax` when PAX records applied. */
export type TarFormat = "ustar" | "gnu" | "v7" | "pax";

/** The same name as different readers see it. */
export interface TarNames {
  /** The ustar fields (prefix + "/" + name): what a reader that ignores extensions sees. */
  header: string;
  /** GNU `././@LongLink` record (typeflag L or K). */
  gnuLong?: string;
  /** PAX `path` or `linkpath` record. */
  pax?: string;
}

export interface TarEntry {
  id: number;
  headerOffset: number;
  dataOffset: number;
  /** Data size after PAX overrides. */
  size: number;
  /** The name extractors use: PAX, then GNU long name, then the ustar fields. */
  name: string;
  names: TarNames;
  linkName?: string;
  linkNames?: TarNames;
  /** Typeflag byte as a character ("0", "5", "2"…; "\0" for old regular files). */
  typeflag: string;
  kind: TarEntryKind;
  /** Permission and special bits (setuid 0o4000, setgid 0o2000, sticky 0o1000). */
  mode: number;
  uid: number;
  gid: number;
  format: TarFormat;
  /** Only readers that skip end-of-archive blocks (tar -i, Python ignore_zeros) see this entry. */
  afterEnd: boolean;
  /** Found by skipping past a damaged header the way GNU tar does; Python's tarfile stops before it. */
  afterBadHeader: boolean;
  memberPath?: string;
}

export type TarAnomalyCode =
  // readers disagree (ARC004)
  | "bad-checksum"
  | "entries-after-end"
  | "entries-after-bad-header"
  | "duplicate-name"
  | "name-spellings-differ"
  | "data-on-special-entry"
  // polyglots (ARC006)
  | "appended-data"
  // structure, informational
  | "sparse"
  | "truncated";

export interface TarAnomaly {
  code: TarAnomalyCode;
  message: string;
  offset?: number;
  entries?: number[];
  evidence?: string;
}

export interface TarDocument {
  container: "tar";
  size: number;
  entries: TarEntry[];
  anomalies: TarAnomaly[];
  /** Offset of the end-of-archive (zero) block, when there is one. */
  endOffset?: number;
}
