/** CRC-32 (ISO-HDLC, the zip and gzip checksum), computed incrementally over chunks. */
const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * Extends `crc` (the value returned for the bytes before `bytes`, 0 to start) over `bytes`.
 *
 * @example
 * crc32(new TextEncoder().encode("123456789")) === 0xcbf43926;
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
