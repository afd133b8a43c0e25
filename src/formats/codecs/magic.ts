// Magic numbers of the codecs' containers, apart from the decoders: sniffing loads these, not them.

export const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] as const;
export const SEVEN_ZIP_MAGIC = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] as const;

/** xz stream header magic at offset 0. */
export function isXz(head: Uint8Array): boolean {
  return XZ_MAGIC.every((b, i) => head[i] === b);
}

/** 7z signature header magic at offset 0. */
export function isSevenZip(head: Uint8Array): boolean {
  return SEVEN_ZIP_MAGIC.every((b, i) => head[i] === b);
}
