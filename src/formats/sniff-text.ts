/**
 * Byte-level pre-checks for sniffers that read the head as text. Every file of a folder is shown
 * to every sniffer, and most are binary: decoding a whole head to text to find that it does not
 * open with `{` or `<` cost a fifth of a small pickle's scan (issue 14). These answer the same
 * question from the bytes, exactly as the decoded text would, and the sniffer decodes only when
 * the answer is "maybe".
 */

/** Bytes that decode (latin1, which TextDecoder reads as windows-1252) to a character `\s` matches: TAB..CR, space, NBSP. */
function isLatin1Space(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x09 && b <= 0x0d) || b === 0x20 || b === 0xa0);
}

/**
 * Whether `head` decoded as latin1, with one leading UTF-8 BOM (`ï»¿`) removed, can start with
 * `ascii` after whitespace (`/^\s*X/`). Exact: false means the decoded text does not.
 */
export function latin1MayStartWith(head: Uint8Array, ascii: number): boolean {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (isLatin1Space(head[i])) i++;
  return head[i] === ascii;
}

/** Lead bytes of the UTF-8 sequences that decode to a character `\s` matches: U+00A0/0085, U+1680, U+2000-205F, U+3000, U+FEFF. */
function mayStartUtf8Space(b: number): boolean {
  return b === 0xc2 || b === 0xe1 || b === 0xe2 || b === 0xe3 || b === 0xef;
}

/**
 * Whether `head` decoded as UTF-8 (BOMs dropped, invalid bytes replaced) can start with `ascii`
 * after whitespace, or with one of `alsoAscii` (a sniffer that skips comment lines too). False
 * only when the first byte that is not ASCII whitespace is neither, nor can begin a multi-byte
 * whitespace character: then the decoded text's first non-space character is not `ascii`.
 */
export function utf8MayStartWith(head: Uint8Array, ascii: number, ...alsoAscii: number[]): boolean {
  let i = 0;
  while (i < head.length && ((head[i] as number) === 0x20 || ((head[i] as number) >= 0x09 && (head[i] as number) <= 0x0d))) i++;
  const b = head[i];
  if (b === undefined) return false;
  return b === ascii || mayStartUtf8Space(b) || alsoAscii.includes(b);
}
