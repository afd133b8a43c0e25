export { zipHandler, sniffZip } from "./handler.js";
export { readZip, type ZipReadContext, type ZipReadResult } from "./read-zip.js";
export type { ZipAnomaly, ZipAnomalyCode, ZipDataInfo, ZipDocument, ZipEntry, ZipEntryKind, ZipEocd, ZipHeader } from "./types.js";
