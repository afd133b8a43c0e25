/**
 * Characters a hostile file (or file name) could use to forge or hide report text:
 * - `\p{Cc}`: C0 controls, DEL and C1 controls (ANSI escapes, carriage returns, NEL);
 * - `\p{Cf}`: format characters, invisible by design: bidi marks, embeddings, overrides and isolates
 *   ("Trojan Source", CVE-2021-42574), the Arabic letter mark, zero-width space/joiners, word
 *   joiner, BOM, interlinear annotations, and the Unicode tag characters used to smuggle text;
 * - `\p{Zl}`, `\p{Zp}`: U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR, which break lines in
 *   editors, browsers and JavaScript string literals although JSON.stringify leaves them raw;
 * - `\p{Cs}`: lone surrogates (with the `u` flag only unpaired halves match), which no UTF-8
 *   stream can carry and terminals show as U+FFFD;
 * - invisible characters outside those classes: the combining grapheme joiner, the Hangul and
 *   halfwidth fillers, the Khmer inherent vowels, and the variation selectors (a second channel
 *   for hidden bytes after any character).
 * One character class, no quantifier: linear on any input.
 */
// eslint-disable-next-line no-misleading-character-class -- the combining marks are listed one by one on purpose: each alone is the target
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/gu;

/** Kept raw by `safeText`: multi-line notes and messages stay readable. */
const KEPT_IN_TEXT = new Set(["\t", "\n"]);

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Escapes what a hostile file could use to forge terminal output or hide text (ANSI escapes,
 * bidi overrides, line separators, zero-width characters) in a string bound for a report. Tabs and
 * newlines are kept. Idempotent: its output is left as it is by a second pass.
 *
 * @example
 * safeText("a\u001b[31mb"); // "a\\x1b[31mb"
 * safeText("x\u2028y"); // "x\\u2028y"
 */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (ch) => (KEPT_IN_TEXT.has(ch) ? ch : escapeChar(ch)));
}

/**
 * Like `safeText`, but for one line of output: tabs, newlines and carriage returns are escaped too
 * (as `\t`, `\n`, `\r`), so a value can never start a line of its own.
 *
 * @example
 * safeLine("ok\u001b[2K\rclean"); // "ok\\x1b[2K\\rclean"
 */
export function safeLine(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\u{${code.toString(16)}}`;
}
