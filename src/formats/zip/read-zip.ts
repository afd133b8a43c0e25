import type { ByteSource } from "../../core/byte-source.js";
import type { Defect } from "../../core/defect.js";
import type { Limits } from "../../core/limits.js";
import type { Budget, Member } from "../../core/handler.js";
import { ByteWindow } from "../compress/byte-window.js";
import { findStructuralAnomalies } from "./anomalies.js";
import { AnomalySink } from "./anomaly-sink.js";
import { readCentralDirectory } from "./central-directory.js";
import { locateEocd } from "./eocd.js";
import { buildEntries } from "./entries.js";
import { SMALL_MEMBER_BYTES, archiveOutputCap } from "./entry-data.js";
import { walkLocalView } from "./local-view.js";
import { readMembers } from "./member-data.js";
import type { ZipAnomaly, ZipDocument } from "./types.js";

/**
 * Window for local header reads: headers sit one per member, usually far apart, so a small window
 * keeps a walk over a checkpoint with thousands of large stored members to a few KiB per member.
 */
const LOCAL_HEADER_WINDOW_BYTES = 4096;

/** The part of a ScanContext the zip reader uses. */
export interface ZipReadContext {
  limits: Limits;
  budget: Budget;
  now(): number;
  deadline: number;
}

export interface ZipReadResult {
  document: ZipDocument;
  defects: Defect[];
  members: Member[];
  notes: string[];
}

/**
 * Reads a zip archive the way a hostile-input scanner must: the end record and central directory
 * (Python's and miniz's view), every local header walked from the start (a streaming reader's
 * view), and each entry's data located the way PyTorch's miniz locates it. CRC, flags and name
 * mismatches never stop reading; they are reported. Bad bytes never throw: they become defects and
 * anomalies next to whatever was read.
 *
 * @example
 * const { document, members } = await readZip(new MemorySource(bytes), { limits, budget, now: Date.now, deadline: Infinity });
 */
export async function readZip(source: ByteSource, ctx: ZipReadContext): Promise<ZipReadResult> {
  const w = new ByteWindow(source);
  const doc: ZipDocument = { container: "zip", size: source.size, entries: [], anomalies: [] };
  const sink = new AnomalySink<ZipAnomaly>(doc.anomalies);
  const defects: Defect[] = [];
  const notes: string[] = [];
  const isLate = (): boolean => ctx.now() > ctx.deadline;

  const end = await locateEocd(w);
  end.anomalies.forEach((a) => sink.add(a));
  defects.push(...end.defects);
  if (end.eocd) doc.eocd = end.eocd;
  const shift = end.eocd?.shift ?? 0;

  const central = end.eocd ? await readCentralDirectory(w, end.eocd, { maxEntries: ctx.limits.maxMembers, isLate }) : undefined;
  central?.anomalies.forEach((a) => sink.add(a));
  defects.push(...(central?.defects ?? []));
  const centralHeaders = central?.headers ?? [];

  const centralSizes = new Map<number, number>();
  for (const h of centralHeaders) {
    const offset = (h.localHeaderOffset ?? 0) + shift;
    if (!centralSizes.has(offset)) centralSizes.set(offset, h.compressedSize);
  }
  const view = await walkLocalView(new ByteWindow(source, LOCAL_HEADER_WINDOW_BYTES), centralSizes, { maxEntries: ctx.limits.maxMembers, isLate });
  defects.push(...view.defects);

  doc.entries = buildEntries(centralHeaders, view, { shift });
  findStructuralAnomalies(doc, view, { sink });
  const archive = { cap: archiveOutputCap(source.size), produced: 0, refused: 0 };
  const members = await readMembers(doc, { source, limits: ctx.limits, budget: ctx.budget, now: ctx.now, deadline: ctx.deadline, sink, defects, notes, archive, window: new ByteWindow(source, SMALL_MEMBER_BYTES) });
  if (view.streamStart !== undefined && view.streamStart > 0) {
    // torch.load and other readers that look at offset 0 see these bytes, not the zip (a pickle with a zip appended): scan them too.
    members.push({ path: `prepended@0`, source: source.slice(0, view.streamStart), speculative: true });
  }
  sink.finish();
  if (!end.eocd) notes.push("No end of central directory record: entries were found by walking local headers only");
  return { document: doc, defects, members, notes };
}
