import { defect, type Defect } from "../../core/defect.js";
import type { ByteWindow } from "../compress/byte-window.js";
import { u32 } from "./bytes.js";
import { CENTRAL_HEADER_SIZE, SIG_CENTRAL, headerFrom, parseCentralFixed } from "./records.js";
import type { ZipAnomaly, ZipEocd, ZipHeader } from "./types.js";

export interface CentralResult {
  headers: ZipHeader[];
  anomalies: ZipAnomaly[];
  defects: Defect[];
}

export interface CentralOptions {
  /** Most entries read (the shared member limit, CWE-770). */
  maxEntries: number;
  isLate(): boolean;
}

/**
 * Reads central directory headers (APPNOTE 4.3.12) from the directory's start for its declared
 * size, the way Python's zipfile iterates, and notes when the count differs from the EOCD's (which
 * miniz trusts). Stops at the first header that is not one; what was read before is kept.
 */
export async function readCentralDirectory(w: ByteWindow, eocd: ZipEocd, opts: CentralOptions): Promise<CentralResult> {
  const out: CentralResult = { headers: [], anomalies: [], defects: [] };
  const start = eocd.centralDirectoryOffset + eocd.shift;
  const end = Math.min(start + eocd.centralDirectorySize, w.size);
  let pos = start;
  while (pos + 4 <= end) {
    if (out.headers.length >= opts.maxEntries) {
      out.defects.push(
        defect("limit-exceeded", `Zip central directory has more than ${opts.maxEntries} entries; the rest were not read`, {
          offset: pos,
          limit: "maxMembers",
        }),
      );
      return out;
    }
    if (opts.isLate()) {
      out.defects.push(defect("timeout", `Timed out reading the zip central directory at offset ${pos}`, { offset: pos }));
      return out;
    }
    const fixedBytes = await w.read(pos, CENTRAL_HEADER_SIZE);
    if (!fixedBytes || u32(fixedBytes, 0) !== SIG_CENTRAL) {
      out.defects.push(defect("truncated", `Expected a central directory header at offset ${pos}`, { offset: pos, fatal: false }));
      break;
    }
    const fixed = parseCentralFixed(fixedBytes);
    const varLen = fixed.nameLength + fixed.extraLength + fixed.commentLength;
    const vars = await w.read(pos + CENTRAL_HEADER_SIZE, varLen);
    if (!vars) {
      out.defects.push(defect("truncated", `Central directory header at offset ${pos} runs past the end of the file`, { offset: pos, fatal: false }));
      break;
    }
    const name = vars.subarray(0, fixed.nameLength);
    const extra = vars.subarray(fixed.nameLength, fixed.nameLength + fixed.extraLength);
    out.headers.push(headerFrom(fixed, { offset: pos, nameBytes: name, extra }));
    pos += CENTRAL_HEADER_SIZE + varLen;
  }
  if (out.headers.length !== eocd.entryCount) {
    out.anomalies.push({
      code: "entry-count-mismatch",
      message: `End record declares ${eocd.entryCount} entries, the central directory holds ${out.headers.length}: readers that trust the count (miniz) and readers that walk the directory (Python) list different entries`,
      offset: eocd.offset,
    });
  }
  return out;
}
