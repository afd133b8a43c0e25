import { safeLine } from "../core/safe-text.js";

/**
 * Makes attacker-controlled text (pickle strings in evidence, member names, even file names) safe
 * to print on a terminal: control characters, bidi controls, line separators and invisible
 * characters become visible escapes, so a crafted model cannot move the cursor, erase its own
 * finding or reorder what the reader sees. The same character set as `safeText` (one list, in
 * core), plus tabs and newlines: each value stays on its own line.
 *
 * @example
 * printable("ok\u001b[2K\rclean"); // "ok\\x1b[2K\\rclean"
 */
export function printable(text: string): string {
  return safeLine(text);
}
