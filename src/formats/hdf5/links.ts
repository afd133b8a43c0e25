import type { H5View } from "./bytes.js";
import { MAX_HDF5_NAME_BYTES } from "./limits.js";

export type DecodedLink = { name: string; creationOrder?: number; offset: number } & (
  | { kind: "hard"; address: number }
  | { kind: "soft"; target: string }
  | { kind: "external"; file: string; target: string }
  | { kind: "user-defined"; linkType: number }
);

/** Link types (spec IV.A.2.g): 0 hard, 1 soft, 64 external, 65..255 user-defined. */
const LINK_HARD = 0;
const LINK_SOFT = 1;
const LINK_EXTERNAL = 64;

/**
 * Decodes a Link message (spec IV.A.2.g, version 1) at `at`: the same bytes whether the message
 * sits in an object header or in a dense group's fractal heap. Undefined when malformed.
 *
 * @example
 * decodeLink(view, offset); // { kind: "external", name: "ext", file: "/etc/passwd", target: "/x", … }
 */
export function decodeLink(v: H5View, at: number): DecodedLink | undefined {
  if (v.u8(at) !== 1) return undefined;
  const flags = v.u8(at + 1);
  if (flags === undefined) return undefined;
  let p = at + 2;
  let linkType = LINK_HARD;
  if (flags & 0x08) {
    const t = v.u8(p++);
    if (t === undefined) return undefined;
    linkType = t;
  }
  let creationOrder: number | undefined;
  if (flags & 0x04) {
    creationOrder = v.u64(p);
    p += 8;
  }
  if (flags & 0x10) p += 1; // character set of the name
  const sizeWidth = 1 << (flags & 0x03);
  const nameLength = v.uint(p, sizeWidth);
  if (nameLength === undefined || nameLength > MAX_HDF5_NAME_BYTES) return undefined;
  p += sizeWidth;
  const name = v.text(p, nameLength);
  if (name === undefined) return undefined;
  p += nameLength;
  const base = { name, offset: at, ...(creationOrder !== undefined ? { creationOrder } : {}) };
  if (linkType === LINK_HARD) {
    const address = v.u64(p);
    return address === undefined ? undefined : { ...base, kind: "hard", address };
  }
  const length = v.u16(p);
  if (length === undefined) return undefined;
  if (linkType === LINK_SOFT) {
    const target = v.text(p + 2, Math.min(length, MAX_HDF5_NAME_BYTES));
    return target === undefined ? undefined : { ...base, kind: "soft", target };
  }
  if (linkType === LINK_EXTERNAL) {
    // Value: one version/flags byte, then the file name and the object path, both NUL-terminated.
    const end = p + 2 + length;
    const file = v.cstringSpan(p + 3, { max: MAX_HDF5_NAME_BYTES, end });
    if (file === undefined) return undefined;
    const target = v.cstring(file.next, { max: MAX_HDF5_NAME_BYTES, end }) ?? "";
    return { ...base, kind: "external", file: file.text, target };
  }
  return { ...base, kind: "user-defined", linkType };
}
