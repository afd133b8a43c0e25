/** Control characters (C0, DEL, C1) and bidi overrides: never written raw into a report. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Escapes what a hostile file could use to forge terminal output or hide text (ANSI escapes,
 * bidi overrides) in a string bound for a report. Tabs and newlines are kept.
 *
 * @example
 * safeText("a\u001b[31mb"); // "a\\x1b[31mb"
 */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
