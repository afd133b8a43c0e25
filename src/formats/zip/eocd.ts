import { defect, type Defect } from "../../core/defect.js";
import type { ByteWindow } from "../compress/byte-window.js";
import { lastIndexOfSig, u16, u32 } from "./bytes.js";
import {
  EOCD_SIZE,
  SIG_CENTRAL,
  SIG_EOCD,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  ZIP64_EOCD_SIZE,
  ZIP64_LOCATOR_SIZE,
  parseEocd,
  parseZip64Eocd,
  parseZip64Locator,
} from "./records.js";
import type { ZipAnomaly, ZipEocd } from "./types.js";

/** Bytes searched backwards for the EOCD: the record plus the largest comment (APPNOTE 4.3.16), plus a ZIP64 locator. */
export const EOCD_SEARCH_BYTES = EOCD_SIZE + 0xffff + ZIP64_LOCATOR_SIZE;

export interface EocdResult {
  eocd?: ZipEocd;
  anomalies: ZipAnomaly[];
  defects: Defect[];
}

/**
 * Finds the end of central directory the way Python's zipfile and miniz do (the last signature in
 * the final 64 KiB whose record fits), follows a ZIP64 locator, and works out where the central
 * directory really is: at its declared offset (miniz) or shifted by prepended data (Python).
 */
export async function locateEocd(w: ByteWindow): Promise<EocdResult> {
  const out: EocdResult = { anomalies: [], defects: [] };
  const size = w.size;
  const tailStart = Math.max(0, size - EOCD_SEARCH_BYTES);
  const tail = (await w.read(tailStart, size - tailStart)) ?? new Uint8Array(0);
  const at = lastIndexOfSig(tail, SIG_EOCD, { from: tail.length - EOCD_SIZE });
  if (at < 0) return out;
  const eocdOffset = tailStart + at;
  const rec = parseEocd(tail, at);
  noteOtherEocds(tail, tailStart, at, size, out);

  if (rec.diskNumber !== 0 || rec.cdDisk !== 0) {
    out.defects.push(
      defect("unsupported", `Zip archive spans disks (disk ${rec.diskNumber}, central directory on disk ${rec.cdDisk}); only this part was read`, {
        offset: eocdOffset,
        fatal: true,
      }),
    );
  }
  let entryCount = rec.entryCount;
  let cdSize = rec.cdSize;
  let cdOffset = rec.cdOffset;
  let cdEnd = eocdOffset;
  let zip64 = false;
  if (at >= ZIP64_LOCATOR_SIZE && u32(tail, at - ZIP64_LOCATOR_SIZE) === SIG_ZIP64_LOCATOR) {
    const z = await readZip64(w, tail, at, tailStart, out);
    if (z) {
      zip64 = true;
      entryCount = z.entryCount;
      cdSize = z.cdSize;
      cdOffset = z.cdOffset;
      cdEnd = z.recordOffset;
    }
  }
  const shift = await centralDirectoryShift(w, { cdOffset, cdSize, cdEnd, entryCount }, out);
  out.eocd = { offset: eocdOffset, entryCount, centralDirectoryOffset: cdOffset, centralDirectorySize: cdSize, commentLength: rec.commentLength, zip64, shift };
  const recordEnd = eocdOffset + EOCD_SIZE + rec.commentLength;
  if (recordEnd < size) {
    out.anomalies.push({
      code: "appended-data",
      message: `${size - recordEnd} bytes follow the end of the zip archive`,
      offset: recordEnd,
      evidence: `EOCD at ${eocdOffset}, comment length ${rec.commentLength}, file size ${size}`,
    });
  }
  return out;
}

/** An earlier EOCD whose comment ends exactly at the end of the file is what strict readers (Java, .NET) take. */
function noteOtherEocds(tail: Uint8Array, tailStart: number, chosen: number, size: number, out: EocdResult): void {
  for (let i = lastIndexOfSig(tail, SIG_EOCD, { from: chosen - 1 }); i >= 0; i = lastIndexOfSig(tail, SIG_EOCD, { from: i - 1 })) {
    if (i + EOCD_SIZE > tail.length) continue;
    if (tailStart + i + EOCD_SIZE + u16(tail, i + 20) === size) {
      out.anomalies.push({
        code: "multiple-eocd",
        message: `Two end-of-central-directory records: Python zipfile and miniz take the one at ${tailStart + chosen}, readers that check the comment length take the one at ${tailStart + i}`,
        offset: tailStart + i,
      });
      return;
    }
  }
}

interface Zip64Fields {
  entryCount: number;
  cdSize: number;
  cdOffset: number;
  recordOffset: number;
}

async function readZip64(w: ByteWindow, tail: Uint8Array, at: number, tailStart: number, out: EocdResult): Promise<Zip64Fields | undefined> {
  const locatorOffset = tailStart + at - ZIP64_LOCATOR_SIZE;
  const loc = parseZip64Locator(tail, at - ZIP64_LOCATOR_SIZE);
  // miniz reads the record at the declared offset; Python reads it right before the locator.
  const candidates = [loc.recordOffset, locatorOffset - ZIP64_EOCD_SIZE].filter((o): o is number => o !== undefined && o >= 0);
  for (const offset of candidates) {
    const b = await w.read(offset, ZIP64_EOCD_SIZE);
    if (!b || u32(b, 0) !== SIG_ZIP64_EOCD) continue;
    const z = parseZip64Eocd(b);
    if (z.entryCount === undefined || z.cdSize === undefined || z.cdOffset === undefined) {
      out.defects.push(defect("limit-exceeded", `ZIP64 end record at offset ${offset} declares sizes beyond 2^53`, { offset, fatal: true }));
      return undefined;
    }
    out.anomalies.push({ code: "zip64", message: `ZIP64 end of central directory record at offset ${offset}`, offset });
    if (offset !== loc.recordOffset) {
      out.anomalies.push({
        code: "central-directory-shift",
        message: `ZIP64 locator points to ${loc.recordOffset ?? "beyond 2^53"} but the record is at ${offset}: Python zipfile finds it, miniz (PyTorch) does not`,
        offset: locatorOffset,
      });
    }
    return { entryCount: z.entryCount, cdSize: z.cdSize, cdOffset: z.cdOffset, recordOffset: offset };
  }
  out.defects.push(defect("truncated", `ZIP64 locator at offset ${locatorOffset} points to no ZIP64 end record`, { offset: locatorOffset, fatal: false }));
  return undefined;
}

/**
 * 0 when the central directory is at its declared offset (miniz's view), otherwise the shift
 * Python's zipfile applies ("concat": where the directory ends up if it sits right before the
 * end record) when a directory is found there.
 */
async function centralDirectoryShift(
  w: ByteWindow,
  d: { cdOffset: number; cdSize: number; cdEnd: number; entryCount: number },
  out: EocdResult,
): Promise<number> {
  if (d.entryCount === 0 && d.cdSize === 0) return 0;
  const declared = await w.read(d.cdOffset, 4);
  const actualStart = d.cdEnd - d.cdSize;
  const shift = actualStart - d.cdOffset;
  if (declared && u32(declared, 0) === SIG_CENTRAL) {
    if (shift !== 0) {
      out.anomalies.push({
        code: "central-directory-shift",
        message: `${Math.abs(shift)} bytes ${shift > 0 ? "sit between the central directory and its end record" : "are missing between the central directory and its end record"}: miniz (PyTorch) reads the directory at ${d.cdOffset}, Python zipfile looks at ${actualStart}`,
        offset: d.cdOffset + d.cdSize,
      });
    }
    return 0;
  }
  const shifted = actualStart >= 0 ? await w.read(actualStart, 4) : undefined;
  if (shifted && u32(shifted, 0) === SIG_CENTRAL) {
    out.anomalies.push({
      code: "central-directory-shift",
      message: `Central directory declared at ${d.cdOffset} but found at ${actualStart}: Python zipfile reads this archive with every offset shifted by ${shift}, miniz (PyTorch) cannot read it`,
      offset: actualStart,
    });
    return shift;
  }
  out.defects.push(
    defect("truncated", `Cannot find the central directory: declared at offset ${d.cdOffset} (size ${d.cdSize}), no central header there or at ${actualStart}`, {
      offset: d.cdOffset,
      fatal: false,
    }),
  );
  return 0;
}
