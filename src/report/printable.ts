/**
 * C0/C1 control characters and DEL, plus the Unicode bidirectional overrides and isolates
 * ("Trojan Source", CVE-2021-42574).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes attacker-controlled text (pickle strings in evidence, member names, even file names) safe
 * to print on a terminal: control characters and bidi overrides become visible escapes, so a
 * crafted model cannot move the cursor, erase its own finding or reorder what the reader sees.
 *
 * @example
 * printable("ok\u001b[2K\rclean"); // "ok\\x1b[2K\\rclean"
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeChar);
}

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(char: string): string {
  const code = char.charCodeAt(0);
  return NAMED[char] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);
}
