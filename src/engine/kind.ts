/** What a file is when it is not a model format, for the "clean, not a model" note. */
export function describeNonModel(head: Uint8Array, size: number): string {
  if (size === 0) return "empty file";
  const starts = (...bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "PNG image";
  if (starts(0xff, 0xd8, 0xff)) return "JPEG image";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "GIF image";
  if (starts(0x25, 0x50, 0x44, 0x46)) return "PDF document";
  if (starts(0x52, 0x49, 0x46, 0x46)) return "RIFF media";
  if (starts(0x7f, 0x45, 0x4c, 0x46)) return "ELF executable";
  if (starts(0x4d, 0x5a)) return "Windows executable";
  if (looksLikeText(head)) return "text";
  return "unknown binary data";
}

/** UTF-8 without NUL and with few control characters. */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return true;
  let control = 0;
  for (const b of head) {
    if (b === 0) return false;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  if (control > head.length / 100 + 1) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(trimPartialUtf8(head));
    return true;
  } catch {
    return false;
  }
}

/** Drops a UTF-8 sequence cut off at the end of a head read. */
function trimPartialUtf8(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const b = bytes[end - i] as number;
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc0) end -= i;
    break;
  }
  return bytes.subarray(0, end);
}
