import type { CompressedDocument } from "../../formats/compress/types.js";
import type { TarDocument } from "../../formats/tar/types.js";
import type { ZipDocument } from "../../formats/zip/types.js";

/**
 * Formats whose documents are archive documents. A handler that reads a zip or tar for a richer
 * format (a PyTorch checkpoint, a .keras file) passes the archive document on through
 * `FormatAnalysis.also` with format "zip" or "tar", so these rules see it too.
 */
export const ARCHIVE_FORMATS = ["zip", "tar"] as const;
/** Formats whose documents are single-stream compression wrappers. */
export const COMPRESSED_FORMATS = ["gzip", "zlib", "zstd", "lz4", "bzip2", "xz", "lzma", "7z"] as const;

export type ArchiveDocument = ZipDocument | TarDocument;

export function asZip(doc: unknown): ZipDocument | undefined {
  return (doc as { container?: unknown } | null)?.container === "zip" ? (doc as ZipDocument) : undefined;
}

export function asTar(doc: unknown): TarDocument | undefined {
  return (doc as { container?: unknown } | null)?.container === "tar" ? (doc as TarDocument) : undefined;
}

export function asCompressed(doc: unknown): CompressedDocument | undefined {
  const c = (doc as { container?: unknown } | null)?.container;
  return typeof c === "string" && (COMPRESSED_FORMATS as readonly string[]).includes(c) ? (doc as CompressedDocument) : undefined;
}

/** One archive entry as the archive rules see it, whatever the container. */
export interface EntryView {
  /** The name readers key by, for the report. */
  name: string;
  /** Every spelling of the name some reader uses (central, local, Unicode Path; ustar, GNU, PAX). */
  spellings: string[];
  kind: "file" | "directory" | "symlink" | "hardlink" | "char-device" | "block-device" | "fifo" | "sparse" | "other";
  /** Link target (symlinks and hardlinks). */
  linkTarget?: string;
  /** Unix permission and type bits, when the archive records them. */
  mode?: number;
  offset: number;
  /** Member path the engine used for this entry's data, when it has one. */
  member?: string;
}

/** Unix file type bits (st_mode). */
const S_IFMT = 0o170000;
const UNIX_TYPES: Record<number, EntryView["kind"]> = { 0o020000: "char-device", 0o060000: "block-device", 0o010000: "fifo" };

/** Entries of a zip or tar document in one shape; empty for other documents. */
export function entryViews(doc: unknown): EntryView[] {
  const zip = asZip(doc);
  if (zip) {
    return zip.entries.map((e) => {
      const spellings = unique([e.central?.name, e.local?.name, e.central?.unicodePath, e.local?.unicodePath, e.name]);
      const view: EntryView = { name: e.name, spellings, kind: UNIX_TYPES[(e.unixMode ?? 0) & S_IFMT] ?? e.kind, offset: e.localOffset };
      if (e.linkTarget !== undefined) view.linkTarget = e.linkTarget;
      if (e.unixMode !== undefined) view.mode = e.unixMode;
      if (e.memberPath !== undefined) view.member = e.memberPath;
      return view;
    });
  }
  const tar = asTar(doc);
  if (tar) {
    return tar.entries.map((e) => {
      const view: EntryView = { name: e.name, spellings: unique([e.names.header, e.names.gnuLong, e.names.pax, e.name]), kind: e.kind, mode: e.mode, offset: e.headerOffset };
      if (e.linkName !== undefined) view.linkTarget = e.linkName;
      if (e.memberPath !== undefined) view.member = e.memberPath;
      return view;
    });
  }
  const sevenZip = asCompressed(doc)?.sevenZip;
  if (sevenZip) {
    return sevenZip.entries.map((e) => {
      const view: EntryView = { name: e.name, spellings: [e.name], kind: e.kind === "anti" ? "other" : e.kind, offset: e.offset };
      if (e.linkTarget !== undefined) view.linkTarget = e.linkTarget;
      if (e.unixMode !== undefined) view.mode = e.unixMode;
      if (e.memberPath !== undefined) view.member = e.memberPath;
      return view;
    });
  }
  return [];
}

function unique(names: (string | undefined)[]): string[] {
  return [...new Set(names.filter((n): n is string => n !== undefined))];
}

/** Anomalies of a zip, tar or compressed document whose code is in `codes`. */
export function anomaliesOf(doc: unknown, codes: ReadonlySet<string>): { code: string; message: string; offset?: number; evidence?: string; entries?: number[] }[] {
  const d = asZip(doc) ?? asTar(doc) ?? asCompressed(doc);
  return d ? d.anomalies.filter((a) => codes.has(a.code)) : [];
}

/** The name of the first entry an anomaly is about, for `Hit.member`. */
export function anomalyMember(doc: unknown, entries: number[] | undefined): string | undefined {
  const id = entries?.[0];
  if (id === undefined) return undefined;
  const d = asZip(doc) ?? asTar(doc);
  return d?.entries[id]?.name;
}
