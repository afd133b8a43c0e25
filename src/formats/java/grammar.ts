/**
 * Constants of the Java Object Serialization Stream Protocol (Java Object Serialization
 * Specification, chapter 6.4.2 "Terminal Symbols and Constants").
 */

/** STREAM_MAGIC (0xACED) followed by STREAM_VERSION (5): spec 6.4.2. */
export const JAVA_STREAM_MAGIC: readonly number[] = [0xac, 0xed, 0x00, 0x05];

export const TC = {
  NULL: 0x70,
  REFERENCE: 0x71,
  CLASSDESC: 0x72,
  OBJECT: 0x73,
  STRING: 0x74,
  ARRAY: 0x75,
  CLASS: 0x76,
  BLOCKDATA: 0x77,
  ENDBLOCKDATA: 0x78,
  RESET: 0x79,
  BLOCKDATALONG: 0x7a,
  EXCEPTION: 0x7b,
  LONGSTRING: 0x7c,
  PROXYCLASSDESC: 0x7d,
  ENUM: 0x7e,
} as const;

/** First handle number handed out (baseWireHandle, spec 6.4.2). */
export const BASE_WIRE_HANDLE = 0x7e0000;

/** classDescFlags bits (spec 6.4.2). */
export const SC = {
  WRITE_METHOD: 0x01,
  SERIALIZABLE: 0x02,
  EXTERNALIZABLE: 0x04,
  BLOCK_DATA: 0x08,
  ENUM: 0x10,
} as const;

/** Sizes of primitive field values by type code (spec 6.4.2 prim_typecode). */
export const PRIMITIVE_SIZE: Readonly<Record<string, number>> = { B: 1, C: 2, D: 8, F: 4, I: 4, J: 8, S: 2, Z: 1 };

/** True for a byte that can start a `content` item. */
export function isTypeCode(byte: number): boolean {
  return byte >= TC.NULL && byte <= TC.ENUM;
}

/** Class file magic: a byte[] starting with it is JVM bytecode (TemplatesImpl `_bytecodes`). */
export const CLASS_FILE_MAGIC: readonly number[] = [0xca, 0xfe, 0xba, 0xbe];

export function startsWith(bytes: Uint8Array, at: number, sig: readonly number[]): boolean {
  if (at < 0 || at + sig.length > bytes.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[at + i] !== sig[i]) return false;
  return true;
}
