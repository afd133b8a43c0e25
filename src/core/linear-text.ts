/**
 * Small string helpers written as loops because the obvious regular expression backtracks on
 * attacker text: `/\/+$/` tries every run of slashes to the end, so a name of 64 KiB of `/a`
 * pairs costs quadratic time. Everything here is linear in its input.
 */

/** `name` without trailing `/` characters. */
export function trimTrailingSlashes(name: string): string {
  let end = name.length;
  while (end > 0 && name.charCodeAt(end - 1) === 0x2f) end--;
  return end === name.length ? name : name.slice(0, end);
}
