/** Exit codes, documented in docs/cli.md; CI scripts depend on them. */
export const EXIT = {
  /** Nothing at or above the fail-on severity and every file fully scanned. */
  ok: 0,
  /** A finding at or above the fail-on severity, or a file that could not be fully scanned. */
  fail: 1,
  /** Bad usage (unknown option, missing path, bad policy) or an internal failure. */
  usage: 2,
  /** Nothing was scanned: an empty folder, or every path left out (--exclude, .git). */
  nothingScanned: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A problem with what the user asked for; main prints it and exits with EXIT.usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
