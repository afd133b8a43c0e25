import type { H5View } from "./bytes.js";

/** `\x89HDF\r\n\x1a\n` (HDF5 spec II.A). */
export const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function hasSignatureAt(b: Uint8Array, offset: number): boolean {
  return HDF5_SIGNATURE.every((v, i) => b[offset + i] === v);
}

/** The superblock may follow a user block: at 0, 512, 1024, 2048, … (spec II.A). */
export function findSuperblock(b: Uint8Array): number | undefined {
  for (let offset = 0; offset + 8 <= b.length; offset = offset === 0 ? 512 : offset * 2) {
    if (hasSignatureAt(b, offset)) return offset;
  }
  return undefined;
}

export type Superblock = { version: number; rootAddress: number } | { error: string };

/**
 * Reads the root group's object header address from the superblock (spec II.A, versions 0–3),
 * with `v` starting at the superblock. Only 8-byte offsets and lengths are supported (as in
 * jsfive, and as every HDF5 library writes by default).
 */
export function readSuperblock(v: H5View): Superblock {
  const version = v.u8(8);
  if (version === undefined) return { error: "file ends inside the superblock" };
  let offsetSize: number | undefined;
  let lengthSize: number | undefined;
  let rootAt: number;
  if (version === 0 || version === 1) {
    offsetSize = v.u8(13);
    lengthSize = v.u8(14);
    // 24 fixed bytes (+4 in v1), four addresses, then the root symbol table entry: link name offset, object header address.
    rootAt = (version === 0 ? 24 : 28) + 4 * 8 + 8;
  } else if (version === 2 || version === 3) {
    offsetSize = v.u8(9);
    lengthSize = v.u8(10);
    rootAt = 12 + 3 * 8;
  } else {
    return { error: `superblock version ${version} is not one of 0-3` };
  }
  if (offsetSize !== 8 || lengthSize !== 8) return { error: `superblock uses ${offsetSize}-byte offsets and ${lengthSize}-byte lengths; only 8-byte ones are supported` };
  const rootAddress = v.u64(rootAt);
  if (rootAddress === undefined || rootAddress >= v.size) return { error: `root group address at superblock offset ${rootAt} points outside the file` };
  return { version, rootAddress };
}
