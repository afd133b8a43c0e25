import type { ByteSource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import type { Limits } from "../../core/limits.js";
import type { Member } from "../../core/handler.js";
import { ByteWindow } from "../compress/byte-window.js";
import { AnomalySink } from "../zip/anomaly-sink.js";
import { PathNamer } from "../zip/path-namer.js";
import { makeEntry } from "./entry.js";
import { readExtension, type Pending } from "./extensions.js";
import { BLOCK, isZeroBlock, parseHeader, type RawHeader } from "./header.js";
import { findNameAnomalies } from "./name-anomalies.js";
import type { PaxRecords } from "./pax.js";
import { classifyTrailer, nextValidHeader } from "./scan-blocks.js";
import type { TarAnomaly, TarDocument, TarEntry, TarEntryKind } from "./types.js";

export interface TarReadContext {
  limits: Limits;
  now(): number;
  deadline: number;
}

export interface TarReadResult {
  document: TarDocument;
  defects: Defect[];
  members: Member[];
  notes: string[];
}

/** Kinds whose data Python's tarfile skips; for the others it reads the next header right after (tarfile._proc_builtin). */
const DATA_KINDS = new Set<TarEntryKind>(["file", "sparse", "other"]);

/** Window for header reads: several small members per window, little waste between large ones. */
const HEADER_WINDOW_BYTES = 16 * 1024;

const pad = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

/**
 * Walks a tar archive header by header (ustar, GNU long names, PAX), the way Python's tarfile
 * does, and also past the places where it would stop (a damaged header, the end-of-archive
 * blocks) so entries other readers see are still scanned. Member data are zero-copy slices.
 *
 * @example
 * const { document, members } = await readTar(source, { limits, now: Date.now, deadline: Infinity });
 */
export async function readTar(source: ByteSource, ctx: TarReadContext): Promise<TarReadResult> {
  const w = new ByteWindow(source, HEADER_WINDOW_BYTES);
  const doc: TarDocument = { container: "tar", size: source.size, entries: [], anomalies: [] };
  const sink = new AnomalySink<TarAnomaly>(doc.anomalies);
  const defects: Defect[] = [];
  const members: Member[] = [];
  const paths = new PathNamer();
  const globalPax: PaxRecords = new Map();
  let pending: Pending = { chained: 0 };
  let afterEnd = false;
  let afterBad = false;
  let pos = 0;

  while (pos < source.size) {
    if (ctx.now() > ctx.deadline) {
      defects.push(defect("timeout", `Timed out reading tar headers at offset ${pos}`, { offset: pos }));
      break;
    }
    if (doc.entries.length >= ctx.limits.maxMembers) {
      defects.push(defect("limit-exceeded", `Tar archive has more than ${ctx.limits.maxMembers} entries; the rest were not read`, { offset: pos, limit: "maxMembers" }));
      break;
    }
    const block = await w.read(pos, BLOCK);
    if (!block) {
      await endInsideHeader(w, pos, { sink, defects });
      break;
    }
    if (isZeroBlock(block)) {
      const next = await afterEndOfArchive(w, pos, doc, sink, afterEnd);
      if (next === undefined) break;
      afterEnd = true;
      pos = next;
      continue;
    }
    const h = parseHeader(block);
    if (!h.checksumOk || h.badNumber) {
      const next = await skipBadHeader(w, pos, h, sink);
      if (next === undefined) break;
      afterBad = true;
      pos = next;
      continue;
    }
    const dataOffset = pos + BLOCK;
    const ext = await readExtension(w, h, { dataOffset, pending, globalPax, defects });
    if (ext !== "entry") {
      if (ext === "stop") break;
      pos = dataOffset + pad(h.size);
      continue;
    }
    const entry = makeEntry(h, { id: doc.entries.length, offset: pos, pending, afterEnd, afterBad });
    pending = { chained: 0 };
    doc.entries.push(entry);
    pos = await placeData(entry, source, { sink, defects, members, paths });
  }
  findNameAnomalies(doc.entries, sink);
  sink.finish();
  return { document: doc, defects, members, notes: [] };
}

/**
 * The file ends inside a 512-byte header block. Zero bytes there are cut padding; anything else is
 * a header cut short, whose entry (and whatever followed it) nobody can see: fail closed.
 */
async function endInsideHeader(w: ByteWindow, pos: number, { sink, defects }: { sink: AnomalySink<TarAnomaly>; defects: Defect[] }): Promise<void> {
  const rest = (await w.read(pos, w.size - pos)) ?? new Uint8Array(0);
  const message = `Archive ends inside a header block at offset ${pos} (${rest.length} of ${BLOCK} bytes)`;
  sink.add({ code: "truncated", message, offset: pos });
  if (rest.some((b) => b !== 0)) defects.push(defect("truncated", `${message}: the header is cut short`, { offset: pos }));
}

/** At a zero block: end of archive for Python; returns where more headers continue (tar -i), if anywhere. */
async function afterEndOfArchive(w: ByteWindow, pos: number, doc: TarDocument, sink: AnomalySink<TarAnomaly>, alreadyAfterEnd: boolean): Promise<number | undefined> {
  doc.endOffset ??= pos;
  const trailer = await classifyTrailer(w, pos + BLOCK);
  if (trailer.kind === "padding") return undefined;
  if (trailer.kind === "data") {
    sink.add({
      code: "appended-data",
      message: `${w.size - trailer.offset} bytes of non-tar data follow the end of the archive${trailer.inspected ? "" : " (beyond the inspected trailer)"}`,
      offset: trailer.offset,
    });
    return undefined;
  }
  if (!alreadyAfterEnd) {
    sink.add({
      code: "entries-after-end",
      message: `Headers continue at offset ${trailer.offset} after the end-of-archive block at ${pos}: only readers that ignore zero blocks (tar -i, ignore_zeros=True) see them`,
      offset: trailer.offset,
    });
  }
  return trailer.offset;
}

async function skipBadHeader(w: ByteWindow, pos: number, h: RawHeader, sink: AnomalySink<TarAnomaly>): Promise<number | undefined> {
  const why = h.checksumOk ? `unreadable ${h.badNumber} field` : "bad checksum";
  const next = await nextValidHeader(w, pos + BLOCK);
  sink.add({
    code: "bad-checksum",
    message:
      `Tar header at offset ${pos} is damaged (${why})` +
      (next === undefined ? "; no valid header follows" : `: Python's tarfile stops here, GNU tar skips to the header at ${next}`),
    offset: pos,
    evidence: h.name ? `name "${h.name}"` : undefined,
  });
  if (next !== undefined) {
    sink.add({ code: "entries-after-bad-header", message: `Entries from offset ${next} follow a damaged header`, offset: next });
  }
  return next;
}

interface PlaceContext {
  sink: AnomalySink<TarAnomaly>;
  defects: Defect[];
  members: Member[];
  paths: PathNamer;
}

/** Hands out the entry's data as a member and returns where the next header is (Python's rule). */
async function placeData(e: TarEntry, source: ByteSource, c: PlaceContext): Promise<number> {
  if (!DATA_KINDS.has(e.kind)) {
    if (e.size > 0) {
      c.sink.add({
        code: "data-on-special-entry",
        message: `${e.kind} entry "${e.name}" declares ${e.size} data bytes: Python's tarfile reads the next header right after it, GNU tar skips the data`,
        offset: e.headerOffset,
        entries: [e.id],
      });
    }
    return e.dataOffset;
  }
  const available = Math.max(0, Math.min(e.size, source.size - e.dataOffset));
  const truncated = available < e.size;
  if (truncated) {
    c.sink.add({ code: "truncated", message: `Data of "${e.name}" runs past the end of the file`, offset: e.dataOffset, entries: [e.id] });
    c.defects.push(defect("truncated", `Tar entry "${e.name}" is truncated: ${e.size} bytes declared, ${available} present`, { offset: e.dataOffset }));
  }
  if (e.kind === "sparse") {
    c.sink.add({ code: "sparse", message: `Sparse entry "${e.name}": its data was scanned as stored, not expanded`, offset: e.headerOffset, entries: [e.id] });
  }
  e.memberPath = c.paths.next(e.name, e.id);
  const member: Member = { path: e.memberPath, source: source.slice(e.dataOffset, available) };
  if (truncated || e.kind === "sparse") member.speculative = true;
  c.members.push(member);
  return e.dataOffset + pad(e.size);
}

