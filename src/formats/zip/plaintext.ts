/**
 * Does the start of a member look like plaintext rather than ciphertext? Used for members whose
 * encryption flag is set: PyTorch ignores the flag and reads the bytes as they are, so plaintext
 * behind the flag is a payload torch loads and Python's zipfile refuses to show a scanner.
 */

/** Leading bytes inspected. */
export const PLAINTEXT_SNIFF_BYTES = 64;
/** Share of printable bytes above which a head counts as text; ciphertext is about 37% printable. */
const TEXT_SHARE = 0.9;

const MAGICS: readonly (readonly number[])[] = [
  [0x50, 0x4b, 0x03, 0x04], // zip
  [0x50, 0x4b, 0x05, 0x06], // empty zip
  [0x1f, 0x8b], // gzip
  [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], // \x93NUMPY
  [0x89, 0x48, 0x44, 0x46], // HDF5
  [0x47, 0x47, 0x55, 0x46], // GGUF
  [0x42, 0x5a, 0x68], // bzip2
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], // xz
  [0x28, 0xb5, 0x2f, 0xfd], // zstd
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], // 7z
];

export function looksPlaintext(head: Uint8Array): boolean {
  if (head.length === 0) return true;
  // Binary pickle: PROTO opcode with protocol 2..5.
  if (head[0] === 0x80 && head.length > 1 && head[1]! >= 2 && head[1]! <= 5) return true;
  // safetensors: u64 header length, then a JSON object.
  if (head.length > 9 && head[8] === 0x7b && head[6] === 0 && head[7] === 0) return true;
  if (MAGICS.some((m) => m.every((b, i) => head[i] === b))) return true;
  let printable = 0;
  for (const b of head) if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d) printable++;
  return printable / head.length >= TEXT_SHARE;
}
