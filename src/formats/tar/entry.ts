import { BLOCK, type RawHeader } from "./header.js";
import type { Pending } from "./extensions.js";
import type { TarEntry, TarEntryKind, TarNames } from "./types.js";

const KINDS: Record<string, TarEntryKind> = {
  "0": "file",
  "\0": "file",
  "7": "file",
  "1": "hardlink",
  "2": "symlink",
  "3": "char-device",
  "4": "block-device",
  "5": "directory",
  "6": "fifo",
  S: "sparse",
};

/** Builds an entry from its header and the extension records before it (PAX wins over GNU over ustar). */
export function makeEntry(h: RawHeader, opts: { id: number; offset: number; pending: Pending; afterEnd: boolean; afterBad: boolean }): TarEntry {
  const { id, offset, pending: p } = opts;
  const pax = p.pax;
  const names: TarNames = { header: h.prefix ? `${h.prefix}/${h.name}` : h.name };
  if (p.longName !== undefined) names.gnuLong = p.longName;
  if (pax?.has("path")) names.pax = pax.get("path")!;
  const paxSize = pax?.has("size") ? Number(pax.get("size")) : undefined;
  const kind = KINDS[h.typeflag] ?? "other";
  const entry: TarEntry = {
    id,
    headerOffset: offset,
    dataOffset: offset + BLOCK,
    size: paxSize !== undefined && Number.isSafeInteger(paxSize) && paxSize >= 0 ? paxSize : h.size,
    name: names.pax ?? names.gnuLong ?? names.header,
    names,
    typeflag: h.typeflag,
    // Python's tarfile: an old-style regular file whose name ends in "/" is a directory.
    kind: kind === "file" && h.typeflag === "\0" && (names.pax ?? names.gnuLong ?? names.header).endsWith("/") ? "directory" : kind,
    mode: h.mode & 0o7777,
    uid: pax?.has("uid") ? Number(pax.get("uid")) : h.uid,
    gid: pax?.has("gid") ? Number(pax.get("gid")) : h.gid,
    format: pax ? "pax" : h.magic,
    afterEnd: opts.afterEnd,
    afterBadHeader: opts.afterBad,
  };
  if (h.linkName || p.longLink !== undefined || pax?.has("linkpath")) {
    const linkNames: TarNames = { header: h.linkName };
    if (p.longLink !== undefined) linkNames.gnuLong = p.longLink;
    if (pax?.has("linkpath")) linkNames.pax = pax.get("linkpath")!;
    entry.linkNames = linkNames;
    entry.linkName = linkNames.pax ?? linkNames.gnuLong ?? linkNames.header;
  }
  return entry;
}
