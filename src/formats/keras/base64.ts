const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;
VALUES["-".charCodeAt(0)] = 62;
VALUES["_".charCodeAt(0)] = 63;

/**
 * Decodes standard or URL-safe base64, ignoring whitespace (Python's `codecs.encode(…, "base64")`
 * wraps lines) and stopping at padding. Returns undefined for any other character, an
 * impossible length, or output beyond `maxBytes`.
 *
 * @example
 * decodeBase64("aGk=", 1024); // Uint8Array [0x68, 0x69]
 */
export function decodeBase64(text: string, maxBytes: number): Uint8Array | undefined {
  const out = new Uint8Array(Math.min(Math.floor((text.length * 3) / 4) + 3, maxBytes + 3));
  let o = 0;
  let acc = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (c === 0x3d) break; // "=" padding ends the data
    const v = c < 128 ? (VALUES[c] as number) : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    if (++n === 4) {
      if (o + 3 > maxBytes) return undefined;
      out[o++] = (acc >> 16) & 0xff;
      out[o++] = (acc >> 8) & 0xff;
      out[o++] = acc & 0xff;
      acc = 0;
      n = 0;
    }
  }
  if (n === 1) return undefined;
  if (n === 2) out[o++] = (acc >> 4) & 0xff;
  if (n === 3) {
    out[o++] = (acc >> 10) & 0xff;
    out[o++] = (acc >> 2) & 0xff;
  }
  return o > maxBytes ? undefined : out.subarray(0, o);
}
