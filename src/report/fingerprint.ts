const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;
const encoder = new TextEncoder();

/**
 * 64-bit FNV-1a of the UTF-8 bytes of `text`, as 16 hex digits. Not a security hash: it only
 * has to be stable across runs and platforms, which is all a SARIF fingerprint needs, and it
 * keeps report/ free of node:crypto so the renderers run in a browser.
 *
 * @example
 * fnv1a64(""); // "cbf29ce484222325"
 */
export function fnv1a64(text: string): string {
  let hash = FNV64_OFFSET;
  for (const byte of encoder.encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV64_PRIME) & MASK64;
  }
  return hash.toString(16).padStart(16, "0");
}
