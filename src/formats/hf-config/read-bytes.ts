import type { ByteSource } from "../../core/byte-source.js";

/** Largest single read issued by the text formats: sources (HTTP ranges, stingy tests) prefer small reads. */
export const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * `length` bytes from `offset`, read in chunks of at most {@link READ_CHUNK_BYTES}.
 *
 * @example
 * const header = await readBytes(source, 8, headerLength);
 */
export async function readBytes(source: ByteSource, offset: number, length: number): Promise<Uint8Array> {
  if (length <= READ_CHUNK_BYTES) return length === 0 ? new Uint8Array(0) : source.read(offset, length);
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += READ_CHUNK_BYTES) {
    out.set(await source.read(offset + at, Math.min(READ_CHUNK_BYTES, length - at)), at);
  }
  return out;
}

/** True when the bytes look like text: no NUL, few C0 controls. */
export function looksLikeText(head: Uint8Array): boolean {
  let control = 0;
  for (const b of head) {
    if (b === 0) return false;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  return control <= head.length / 100 + 1;
}

/** Offset of the first byte that is not whitespace (after an optional UTF-8 BOM). */
export function firstContentByte(head: Uint8Array): number {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  return i;
}
