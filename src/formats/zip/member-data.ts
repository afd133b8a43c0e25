import { LazySource, type ByteSource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import type { Member } from "../../core/handler.js";
import { MAX_STORED_CRC_BYTES, STORED_CRC_NOTE, readData, type DataContext, type DataResult, type DataSpec } from "./entry-data.js";
import { FLAG_DATA_DESCRIPTOR } from "./local-headers.js";
import { decodeUtf8 } from "./names.js";
import { PathNamer } from "./path-namer.js";
import type { ZipDocument, ZipEntry } from "./types.js";

/** Longest symlink target read from entry data: PATH_MAX on Linux (CWE-770). */
export const MAX_LINK_TARGET_BYTES = 4096;

/**
 * Hands every entry that has data to the engine as a member, whatever its kind: miniz (PyTorch)
 * loads by name and ignores file-type attributes. Stored data is a zero-copy slice; compressed
 * data is counted within the shared budget and handed on as a lazy source, decoded when the engine
 * scans it and released after, so memory follows one member. When the local header describes the data differently
 * from the central one, the local reading is scanned as well (speculatively).
 */
export async function readMembers(doc: ZipDocument, ctx: DataContext): Promise<Member[]> {
  const members: Member[] = [];
  const paths = new PathNamer();
  let uncheckedStored = 0;
  for (const e of doc.entries) {
    if (ctx.now() > ctx.deadline) {
      ctx.defects.push(defect("timeout", `Timed out reading zip member data at entry "${e.name}"`, { offset: e.localOffset }));
      break;
    }
    if (e.dataOffset === undefined) {
      ctx.defects.push(defect("truncated", `No local header for entry "${e.name}" at offset ${e.localOffset}: its data cannot be located`, { offset: e.localOffset, fatal: false }));
      continue;
    }
    if (e.compressedSize === 0 && e.kind === "directory") continue;
    const spec: DataSpec = {
      offset: e.dataOffset,
      compressedSize: e.compressedSize,
      uncompressedSize: e.uncompressedSize,
      method: e.method,
      flags: e.flags,
      crc: expectedCrc(e),
    };
    const result = await readData(spec, e, ctx);
    e.data = result.info;
    if (result.info.crcNote === STORED_CRC_NOTE) uncheckedStored++;
    if (result.source) {
      e.memberPath = paths.next(e.name, e.id);
      members.push(memberOf(e.memberPath, result));
      if (e.kind === "symlink") e.linkTarget = await readLinkTarget(result.source);
    }
    const local = localReading(e);
    if (local) {
      // A guess next to the directory's reading (already reported as ARC004): its defects do not fail the file.
      const altDefects: Defect[] = [];
      const alt = await readData(local, e, { ...ctx, defects: altDefects });
      ctx.defects.push(...altDefects.map((d) => ({ ...d, fatal: false, message: `Local header reading: ${d.message}` })));
      if (alt.source) members.push({ ...memberOf(paths.next(`${e.name}#local-header`, e.id), alt), speculative: true });
    }
  }
  if (uncheckedStored) ctx.notes.push(`CRC-32 not checked for ${uncheckedStored} stored zip members (binary data, or over ${MAX_STORED_CRC_BYTES} bytes): they are not read just for a CRC`);
  return members;
}

function memberOf(path: string, r: DataResult): Member {
  const source = r.source!;
  const member: Member = { path, source };
  if (r.speculative) member.speculative = true;
  if (source instanceof LazySource) member.release = () => source.release();
  return member;
}

/** The CRC readers compare against: the central one, or the local one when it is not deferred; 0 means "not recorded" (torch's compute_crc32=False). */
function expectedCrc(e: ZipEntry): number | undefined {
  const h = e.central ?? e.local;
  if (!h || h.crc32 === 0) return undefined;
  if (!e.central && h.flags & FLAG_DATA_DESCRIPTOR) return undefined;
  return h.crc32;
}

/** A streaming reader's reading of the data, when it differs from the central directory's. */
function localReading(e: ZipEntry): DataSpec | undefined {
  const c = e.central;
  const l = e.local;
  if (!c || !l || e.dataOffset === undefined) return undefined;
  const deferred = (l.flags & FLAG_DATA_DESCRIPTOR) !== 0 && l.compressedSize === 0;
  if (l.method === c.method && (deferred || l.compressedSize === c.compressedSize)) return undefined;
  return {
    offset: e.dataOffset,
    compressedSize: deferred ? c.compressedSize : l.compressedSize,
    uncompressedSize: l.uncompressedSize,
    method: l.method,
    flags: l.flags,
    crc: undefined,
  };
}

async function readLinkTarget(source: ByteSource): Promise<string> {
  const bytes = await source.read(0, Math.min(source.size, MAX_LINK_TARGET_BYTES));
  const target = decodeUtf8(bytes);
  // A compressed link target was produced just for this: drop it until the engine scans the member.
  if (source instanceof LazySource) source.release();
  return target;
}
