import type { LocalView } from "./local-view.js";
import type { ZipEntry, ZipEntryKind, ZipHeader } from "./types.js";

/** Unix file type bits in the upper half of the external attributes (st_mode). */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
/** MS-DOS directory attribute in the low byte of the external attributes. */
const DOS_DIRECTORY = 0x10;

/**
 * Joins both views into entries: one per central header (data located through its local header,
 * as miniz does), then one per local header no central header points to.
 */
export function buildEntries(centrals: readonly ZipHeader[], view: LocalView, { shift }: { shift: number }): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const referenced = new Set<number>();
  for (const c of centrals) {
    const localOffset = (c.localHeaderOffset ?? 0) + shift;
    referenced.add(localOffset);
    const step = view.steps.get(localOffset);
    const unixMode = c.externalAttr ? c.externalAttr >>> 16 : 0;
    const entry: ZipEntry = {
      id: entries.length,
      name: c.name,
      central: c,
      localOffset,
      dataOffset: step?.dataOffset,
      compressedSize: c.compressedSize,
      uncompressedSize: c.uncompressedSize,
      method: c.method,
      flags: c.flags,
      kind: kindOf(c.name, unixMode, c.externalAttr ?? 0),
      streamReachable: view.streamReachable.has(localOffset),
    };
    if (step) entry.local = step.header;
    if (unixMode) entry.unixMode = unixMode;
    entries.push(entry);
  }
  for (const [offset, step] of [...view.steps].sort((a, b) => a[0] - b[0])) {
    if (referenced.has(offset)) continue;
    const h = step.header;
    entries.push({
      id: entries.length,
      name: h.name,
      local: h,
      localOffset: offset,
      dataOffset: step.dataOffset,
      compressedSize: step.dataLength,
      uncompressedSize: h.uncompressedSize,
      method: h.method,
      flags: h.flags,
      kind: kindOf(h.name, 0, 0),
      streamReachable: view.streamReachable.has(offset),
    });
  }
  return entries;
}

/** What an extractor would create. Readers that load by name (miniz, PyTorch) ignore this and read the data. */
function kindOf(name: string, unixMode: number, externalAttr: number): ZipEntryKind {
  const type = unixMode & S_IFMT;
  if (type === S_IFLNK) return "symlink";
  if (type === S_IFDIR || name.endsWith("/")) return "directory";
  if (type !== 0) return "file";
  return (externalAttr & DOS_DIRECTORY) !== 0 ? "directory" : "file";
}
