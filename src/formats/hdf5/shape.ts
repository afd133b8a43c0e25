import type { H5View } from "./bytes.js";
import type { JsfiveMessage } from "./jsfive-bridge.js";
import { HDF5_SHAPE_FLOOR_BYTES, MAX_HDF5_DECLARED_RATIO } from "./limits.js";
import { MSG_DATASPACE, MSG_EXTERNAL_FILES, MSG_LAYOUT } from "./types.js";

/** Datatype message (spec IV.A.2.d): class and version, bit fields, then the element size (u32 at +4). */
const MSG_DATATYPE = 0x0003;
/** Data Layout classes (IV.A.2.i). */
const LAYOUT_CONTIGUOUS = 1;
/** Dataspace v2 type 2: a null dataspace, no elements. */
const DATASPACE_NULL = 2;

/**
 * What a dataset declares against what the file can hold. A contiguous dataset whose storage is
 * allocated must fit in the file; any other (chunked, compact, not yet allocated) may exceed it
 * through fill values or compression, but not by more than MAX_HDF5_DECLARED_RATIO: a loader
 * reading the dataset allocates it whole. Returns the problem, or undefined. Datasets with external
 * storage are judged by the external-storage rule instead.
 *
 * @example
 * shapeProblem(view, msgs); // "declares 8796093022208 bytes (…) in a 4096-byte file"
 */
export function shapeProblem(v: H5View, msgs: readonly JsfiveMessage[]): string | undefined {
  const at = (type: number): number | undefined => msgs.find((m) => m.get("type") === type)?.get("offset_to_message");
  const space = at(MSG_DATASPACE);
  const type = at(MSG_DATATYPE);
  if (space === undefined || type === undefined || at(MSG_EXTERNAL_FILES) !== undefined) return undefined;
  const elements = elementCount(v, space);
  const elementSize = v.u32(type + 4);
  if (elements === undefined || elementSize === undefined) return undefined;
  const declared = elements * elementSize;
  const layout = at(MSG_LAYOUT);
  const contiguous = layout === undefined ? undefined : contiguousStorage(v, layout);
  const shape = `${elements} elements of ${elementSize} bytes`;
  if (contiguous !== undefined && contiguous.address + declared > v.size) {
    return `declares ${declared} bytes (${shape}) stored contiguously at ${contiguous.address}, past the end of the ${v.size}-byte file`;
  }
  const bound = Math.max(HDF5_SHAPE_FLOOR_BYTES, v.size * MAX_HDF5_DECLARED_RATIO);
  if (declared > bound) return `declares ${declared} bytes (${shape}), more than ${MAX_HDF5_DECLARED_RATIO} times the ${v.size}-byte file (limit MAX_HDF5_DECLARED_RATIO)`;
  return undefined;
}

/** Dataspace message (IV.A.2.b): v1 dimensions at +8, v2 at +4 after a type byte; sizes are 8 bytes. Infinity past 2^53. */
function elementCount(v: H5View, at: number): number | undefined {
  const version = v.u8(at);
  const rank = v.u8(at + 1);
  if (rank === undefined || (version !== 1 && version !== 2)) return undefined;
  if (version === 2 && v.u8(at + 3) === DATASPACE_NULL) return 0;
  const dims = at + (version === 1 ? 8 : 4);
  let count = 1;
  for (let i = 0; i < rank; i++) {
    if (dims + 8 * i + 8 > v.size) return undefined;
    const d = v.u64(dims + 8 * i);
    count *= d ?? Number.POSITIVE_INFINITY;
  }
  return count;
}

/** Contiguous storage with an allocated address (Data Layout v3/v4: class at +1, address at +2). */
function contiguousStorage(v: H5View, at: number): { address: number } | undefined {
  const version = v.u8(at);
  if (version !== 3 && version !== 4) return undefined;
  if (v.u8(at + 1) !== LAYOUT_CONTIGUOUS) return undefined;
  const address = v.u64(at + 2);
  return address === undefined ? undefined : { address };
}
