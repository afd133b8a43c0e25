/** Name decoding the way Python's zipfile does it: UTF-8 when flag bit 11 is set, CP437 otherwise. */

/** CP437 code points for bytes 0x80-0xFF. */
const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

/** APPNOTE 4.4.4 bit 11: file name and comment are UTF-8. */
export const FLAG_UTF8 = 0x0800;

const utf8 = new TextDecoder("utf-8", { fatal: false });

export function decodeName(bytes: Uint8Array, flags: number): string {
  if (flags & FLAG_UTF8) return utf8.decode(bytes);
  let out = "";
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!;
  return out;
}

export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
