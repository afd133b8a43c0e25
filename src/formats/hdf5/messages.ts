import type { H5View } from "./bytes.js";
import { MAX_HDF5_EFL_SLOTS, MAX_HDF5_NAME_BYTES } from "./limits.js";

/** Layout class 3: a virtual dataset, whose data comes from other datasets, possibly in other files (spec IV.A.2.i v4). */
const LAYOUT_VIRTUAL = 3;

export interface ExternalFiles {
  files: { name: string; offset: number; size: number }[];
  problems: string[];
}

/**
 * External Data Files message (spec IV.A.2.h): the dataset's raw data is read from the named
 * files, at the given offsets (CVE-2026-1669: host files read into weights).
 */
export function decodeExternalFiles(v: H5View, at: number): ExternalFiles {
  const problems: string[] = [];
  const files: ExternalFiles["files"] = [];
  const used = v.u16(at + 6);
  const heapAddress = v.u64(at + 8);
  if (used === undefined) return { files, problems: ["external file list is cut short"] };
  const heapData = heapAddress === undefined || v.ascii(heapAddress, 4) !== "HEAP" ? undefined : v.u64(heapAddress + 24);
  const heapSize = heapAddress === undefined ? undefined : v.u64(heapAddress + 8);
  for (let i = 0; i < Math.min(used, MAX_HDF5_EFL_SLOTS); i++) {
    const slot = at + 16 + 24 * i;
    const nameOffset = v.u64(slot);
    const offset = v.u64(slot + 8) ?? 0;
    const size = v.u64(slot + 16) ?? Number.POSITIVE_INFINITY;
    const name = heapData === undefined || nameOffset === undefined ? undefined : v.cstring(heapData + nameOffset, { max: MAX_HDF5_NAME_BYTES, end: heapData + (heapSize ?? 0) });
    files.push({ name: name ?? `<name at heap offset ${nameOffset ?? "?"} unreadable>`, offset, size });
  }
  if (used > MAX_HDF5_EFL_SLOTS) problems.push(`${used} external file slots; only ${MAX_HDF5_EFL_SLOTS} were read`);
  return { files, problems };
}

export interface VirtualLayout {
  entries: number;
  sources: { file: string; dataset: string }[];
}

/**
 * Data Layout message: undefined unless it is a virtual dataset (version 4, class 3). The
 * mappings sit in a global heap object (spec III.E); the first mapping's source file and
 * dataset names are decoded for evidence (the selections after them, and so the later
 * mappings, are not).
 */
export function decodeVirtualLayout(v: H5View, at: number): VirtualLayout | undefined {
  const version = v.u8(at);
  if (version !== 4 || v.u8(at + 1) !== LAYOUT_VIRTUAL) return undefined;
  const collection = v.u64(at + 2);
  const index = v.u32(at + 10);
  const layout: VirtualLayout = { entries: 0, sources: [] };
  if (collection === undefined || index === undefined) return layout;
  const object = globalHeapObject(v, collection, index);
  if (!object) return layout;
  // Heap object: version (0), entry count (8 bytes), then per entry: source file, source dataset, selections.
  layout.entries = v.u64(object.start + 1) ?? 0;
  const file = v.cstringSpan(object.start + 9, { max: MAX_HDF5_NAME_BYTES, end: object.end });
  if (file !== undefined) {
    const dataset = v.cstring(file.next, { max: MAX_HDF5_NAME_BYTES, end: object.end }) ?? "";
    layout.sources.push({ file: file.text, dataset });
  }
  return layout;
}

/** Finds object `index` in the global heap collection at `at` ("GCOL", spec III.E). */
function globalHeapObject(v: H5View, at: number, index: number): { start: number; end: number } | undefined {
  if (v.ascii(at, 4) !== "GCOL") return undefined;
  const size = v.u64(at + 8);
  if (size === undefined) return undefined;
  const end = Math.min(at + size, v.size);
  let p = at + 16;
  while (p + 16 <= end) {
    const id = v.u16(p);
    const objectSize = v.u64(p + 8);
    if (id === undefined || objectSize === undefined || id === 0) return undefined; // id 0 is free space
    if (id === index) return { start: p + 16, end: Math.min(p + 16 + objectSize, end) };
    p += 16 + Math.ceil(objectSize / 8) * 8;
  }
  return undefined;
}

export interface LinkInfo {
  heapAddress: number | undefined;
  nameIndexAddress: number | undefined;
}

/** Link Info message (spec IV.A.2.c): where a new-style group keeps links beyond the compact limit. */
export function decodeLinkInfo(v: H5View, at: number): LinkInfo | undefined {
  if (v.u8(at) !== 0) return undefined;
  const flags = v.u8(at + 1) ?? 0;
  const p = at + 2 + (flags & 1 ? 8 : 0);
  return { heapAddress: v.u64(p), nameIndexAddress: v.u64(p + 8) };
}

/** Attribute Info message (spec IV.A.2.v): a fractal heap address means attributes are stored densely. */
export function denseAttributeHeap(v: H5View, at: number): number | undefined {
  if (v.u8(at) !== 0) return undefined;
  const flags = v.u8(at + 1) ?? 0;
  return v.u64(at + 2 + (flags & 1 ? 2 : 0));
}
