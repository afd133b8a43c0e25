/**
 * Decodes Java's modified UTF-8 (DataInput.readUTF): U+0000 as C0 80 and supplementary
 * characters as two 3-byte surrogates. Malformed sequences become U+FFFD; nothing throws.
 *
 * @example
 * decodeModifiedUtf8(new Uint8Array([0x68, 0x69]), 0, 2); // "hi"
 */
export function decodeModifiedUtf8(bytes: Uint8Array, start: number, length: number): string {
  const end = Math.min(bytes.length, start + length);
  const units: number[] = [];
  let out = "";
  for (let i = start; i < end; ) {
    const a = bytes[i] as number;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    if (a < 0x80) {
      units.push(a);
      i += 1;
    } else if ((a & 0xe0) === 0xc0 && i + 1 < end && (b & 0xc0) === 0x80) {
      units.push(((a & 0x1f) << 6) | (b & 0x3f));
      i += 2;
    } else if ((a & 0xf0) === 0xe0 && i + 2 < end && (b & 0xc0) === 0x80 && (c & 0xc0) === 0x80) {
      units.push(((a & 0x0f) << 12) | ((b & 0x3f) << 6) | (c & 0x3f));
      i += 3;
    } else {
      units.push(0xfffd);
      i += 1;
    }
    if (units.length >= 4096) out += String.fromCharCode(...units.splice(0));
  }
  return out + String.fromCharCode(...units);
}
