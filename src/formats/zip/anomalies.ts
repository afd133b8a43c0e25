import { hex } from "./bytes.js";
import { FLAG_DATA_DESCRIPTOR } from "./local-headers.js";
import type { LocalView } from "./local-view.js";
import type { AnomalySink } from "./anomaly-sink.js";
import type { ZipAnomaly, ZipDocument, ZipEntry } from "./types.js";

/** Entries named or listed per anomaly: a hostile archive can put 100,000 entries in one group (CWE-770). */
const MAX_LISTED = 20;

function listNames(group: readonly ZipEntry[]): string {
  const names = group.slice(0, MAX_LISTED).map((e) => `"${e.name}"`).join(", ");
  return group.length > MAX_LISTED ? `${names} and ${group.length - MAX_LISTED} more` : names;
}

/** Flag bits Python's zipfile refuses and miniz ignores (4.4.4): 5 patched data, 6 strong encryption, 13 masked directory. */
const REFUSED_FLAGS = 0x0020 | 0x0040 | 0x2000;

/** Everything found by comparing headers, names and data ranges (no member data read). */
export function findStructuralAnomalies(doc: ZipDocument, view: LocalView, { sink }: { sink: AnomalySink<ZipAnomaly> }): void {
  for (const e of doc.entries) compareHeaders(e, sink);
  findDuplicates(doc.entries, sink);
  findOverlaps(doc, sink);
  findViewGaps(doc.entries, view, sink);
  summarize(doc.entries, sink);
}

function compareHeaders(e: ZipEntry, sink: AnomalySink<ZipAnomaly>): void {
  const c = e.central;
  const l = e.local;
  const ids = [e.id];
  if (e.flags & REFUSED_FLAGS) {
    sink.add({
      code: "unusual-flags",
      message: `Entry "${e.name}" sets general-purpose flags ${hex(e.flags, 4)}: Python zipfile refuses to read it, miniz (PyTorch) reads it`,
      offset: e.localOffset,
      entries: ids,
    });
  }
  for (const h of [c, l]) {
    if (h?.unicodePath !== undefined && h.unicodePath !== h.name) {
      sink.add({
        code: "unicode-path-mismatch",
        message: `Entry "${h.name}" carries a Unicode Path extra field naming "${h.unicodePath}": readers that honour the field use that name`,
        offset: h.offset,
        entries: ids,
      });
    }
  }
  if (!c || !l) return;
  if (c.nameRaw !== l.nameRaw) {
    sink.add({
      code: "name-mismatch",
      message: `Central directory names the entry "${c.name}" but its local header names it "${l.name}"`,
      offset: l.offset,
      entries: ids,
      evidence: `central "${c.name}" / local "${l.name}"`,
    });
  }
  if (c.flags !== l.flags) {
    sink.add({ code: "flag-mismatch", message: `Entry "${c.name}" has flags ${hex(c.flags, 4)} in the central directory and ${hex(l.flags, 4)} in its local header`, offset: l.offset, entries: ids });
  }
  if (c.method !== l.method) {
    sink.add({ code: "method-mismatch", message: `Entry "${c.name}" has compression method ${c.method} in the central directory and ${l.method} in its local header`, offset: l.offset, entries: ids });
  }
  const deferred = (l.flags & FLAG_DATA_DESCRIPTOR) !== 0 && l.compressedSize === 0;
  if (!deferred && (c.compressedSize !== l.compressedSize || c.uncompressedSize !== l.uncompressedSize || c.crc32 !== l.crc32)) {
    sink.add({
      code: "size-mismatch",
      message: `Entry "${c.name}" declares different sizes or CRC in its local header: streaming readers and directory readers read different bytes`,
      offset: l.offset,
      entries: ids,
      evidence: `central ${c.compressedSize}/${c.uncompressedSize}/${hex(c.crc32)} local ${l.compressedSize}/${l.uncompressedSize}/${hex(l.crc32)}`,
    });
  }
}

function findDuplicates(entries: readonly ZipEntry[], sink: AnomalySink<ZipAnomaly>): void {
  const byName = new Map<string, ZipEntry[]>();
  for (const e of entries) {
    const group = byName.get(e.name);
    if (group) group.push(e);
    else byName.set(e.name, [e]);
  }
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    const central = group.filter((e) => e.central);
    const python = central.at(-1);
    sink.add({
      code: "duplicate-name",
      message:
        `${group.length} entries are named "${name}"` +
        (python ? `: Python zipfile reads entry ${python.id} (the last in the central directory); miniz (PyTorch) binary-searches the sorted names and may return any copy` : "") +
        `; extractors keep the last one written`,
      offset: group[0]!.localOffset,
      entries: group.slice(0, MAX_LISTED).map((e) => e.id),
    });
  }
}

interface Span {
  start: number;
  end: number;
  /** The entries whose data this is; none for the central directory. Labels are built only when reported. */
  group: ZipEntry[];
}

const labelOf = (s: Span): string => (s.group[0] ? `entry "${s.group[0].name}"` : "the central directory");

/** Entries sharing bytes: the overlapping-entry zip bomb, or one payload read under several names. */
function findOverlaps(doc: ZipDocument, sink: AnomalySink<ZipAnomaly>): void {
  const byHeader = new Map<number, ZipEntry[]>();
  for (const e of doc.entries) {
    if (e.dataOffset === undefined) continue;
    const group = byHeader.get(e.localOffset);
    if (group) group.push(e);
    else byHeader.set(e.localOffset, [e]);
  }
  const spans: Span[] = [];
  for (const [offset, group] of byHeader) {
    if (group.length > 1) {
      sink.add({
        code: "overlapping-data",
        message: `${group.length} central entries (${listNames(group)}) share the local header at offset ${offset}`,
        offset,
        entries: group.slice(0, MAX_LISTED).map((e) => e.id),
      });
    }
    const end = group.reduce((m, e) => Math.max(m, (e.dataOffset ?? 0) + e.compressedSize), offset);
    spans.push({ start: offset, end, group });
  }
  const eocd = doc.eocd;
  if (eocd && eocd.centralDirectorySize > 0) {
    const start = eocd.centralDirectoryOffset + eocd.shift;
    spans.push({ start, end: start + eocd.centralDirectorySize, group: [] });
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let widest: Span | undefined;
  for (const s of spans) {
    if (widest && s.start < widest.end) {
      sink.add({
        code: "overlapping-data",
        message: `Data of ${labelOf(widest)} (${widest.start}..${widest.end}) overlaps ${labelOf(s)} at offset ${s.start}`,
        offset: s.start,
        entries: [...widest.group, ...s.group].slice(0, MAX_LISTED).map((e) => e.id),
      });
    }
    if (!widest || s.end > widest.end) widest = s;
  }
}

function findViewGaps(entries: readonly ZipEntry[], view: LocalView, sink: AnomalySink<ZipAnomaly>): void {
  const first = view.streamStart;
  if (first !== undefined && first > 0) {
    sink.add({ code: "prepended-data", message: `${first} bytes precede the first local header`, offset: 0, evidence: `first local header at ${first}` });
  }
  for (const e of entries) {
    if (!e.central) {
      sink.add({
        code: "local-only",
        message: `Local header "${e.name}" at offset ${e.localOffset} is not in the central directory: streaming readers see it, directory readers do not`,
        offset: e.localOffset,
        entries: [e.id],
      });
    } else if (!e.local) {
      sink.add({
        code: "central-only",
        message: `Central entry "${e.name}" points to offset ${e.localOffset}, where there is no local header`,
        offset: e.localOffset,
        entries: [e.id],
      });
    } else if (first !== undefined && !e.streamReachable) {
      sink.add({
        code: "central-only",
        message: `Entry "${e.name}" at offset ${e.localOffset} is not reached by walking local headers from the start: streaming readers do not see it`,
        offset: e.localOffset,
        entries: [e.id],
      });
    }
  }
}

function summarize(entries: readonly ZipEntry[], sink: AnomalySink<ZipAnomaly>): void {
  const zip64 = entries.filter((e) => e.central?.zip64 || e.local?.zip64).length;
  if (zip64) sink.add({ code: "zip64", message: `${zip64} entries use ZIP64 extra fields` });
  const descriptors = entries.filter((e) => e.flags & FLAG_DATA_DESCRIPTOR).length;
  if (descriptors) sink.add({ code: "data-descriptor", message: `${descriptors} entries keep sizes and CRC in data descriptors` });
}
