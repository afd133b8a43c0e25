import { defect, type Defect } from "../../core/defect.js";
import type { ByteWindow } from "../compress/byte-window.js";
import { BLOCK, field, type RawHeader } from "./header.js";
import { parsePax, type PaxRecords } from "./pax.js";

/** Largest GNU long name or long link record read: far past PATH_MAX, small enough to hold (CWE-770). */
export const MAX_LONG_NAME_BYTES = 64 * 1024;
/** Largest PAX extended header read (CWE-770). */
export const MAX_PAX_BYTES = 1024 * 1024;
/** Extension headers (L, K, x, g) allowed in a row before an entry (CWE-834). */
export const MAX_CHAINED_EXTENSIONS = 64;

/** Extension records waiting for the entry they describe. */
export interface Pending {
  longName?: string;
  longLink?: string;
  pax?: PaxRecords;
  chained: number;
}

/** Extension headers feed the next entry. Returns "entry" for a real entry. */
export async function readExtension(
  w: ByteWindow,
  h: RawHeader,
  { dataOffset, pending, globalPax, defects }: { dataOffset: number; pending: Pending; globalPax: PaxRecords; defects: Defect[] },
): Promise<"entry" | "extension" | "stop"> {
  const t = h.typeflag;
  if (t !== "L" && t !== "K" && t !== "x" && t !== "X" && t !== "g") return "entry";
  if (++pending.chained > MAX_CHAINED_EXTENSIONS) {
    defects.push(defect("limit-exceeded", `More than ${MAX_CHAINED_EXTENSIONS} tar extension headers in a row at offset ${dataOffset - BLOCK}`, { offset: dataOffset - BLOCK }));
    return "stop";
  }
  const max = t === "L" || t === "K" ? MAX_LONG_NAME_BYTES : MAX_PAX_BYTES;
  if (h.size > max) {
    defects.push(defect("limit-exceeded", `Tar extension header at offset ${dataOffset - BLOCK} is ${h.size} bytes; the limit is ${max}`, { offset: dataOffset - BLOCK }));
    return "extension";
  }
  const data = await w.read(dataOffset, h.size);
  if (!data) {
    defects.push(defect("truncated", `Tar extension header at offset ${dataOffset - BLOCK} runs past the end of the file`, { offset: dataOffset }));
    return "stop";
  }
  if (t === "L") pending.longName = field(data);
  else if (t === "K") pending.longLink = field(data);
  else {
    const parsed = parsePax(data);
    if (parsed.error) defects.push(defect("truncated", `Malformed PAX header at offset ${dataOffset - BLOCK}: ${parsed.error}`, { offset: dataOffset, fatal: false }));
    const target = t === "g" ? globalPax : (pending.pax ??= new Map());
    for (const [k, v] of parsed.records) target.set(k, v);
  }
  return "extension";
}
