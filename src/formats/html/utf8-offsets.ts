/**
 * Maps character indices of a decoded UTF-8 text back to byte offsets. Queries may come in any
 * order but are fastest ascending (the parser reports tags in order): it walks forward from the
 * last answer, and restarts from 0 only when asked for an earlier index.
 *
 * @example
 * const map = utf8Offsets("é<b>"); map(1); // 2
 */
export function utf8Offsets(text: string): (charIndex: number) => number {
  let lastChar = 0;
  let lastByte = 0;
  return (charIndex: number): number => {
    if (charIndex < lastChar) {
      lastChar = 0;
      lastByte = 0;
    }
    for (let i = lastChar; i < charIndex && i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x80) lastByte += 1;
      else if (code < 0x800) lastByte += 2;
      else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        lastByte += 4;
        i++;
      } else lastByte += 3;
    }
    lastChar = charIndex;
    return lastByte;
  };
}
