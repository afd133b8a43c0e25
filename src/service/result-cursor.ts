import type { FileResult } from "./jobs.js";

/**
 * The cursor of the ResultStore queries: `scannedAt|repo|path` of the last result on a page.
 * Results come newest first, ties by repo then path, all descending; the next page holds what
 * comes strictly after the cursor in that order.
 */
export function resultCursor(result: Pick<FileResult, "scannedAt" | "repo" | "path">): string {
  return `${result.scannedAt}|${result.repo}|${result.path}`;
}

/** Splits a cursor at its first two `|`: timestamps and repo ids hold none, a path may. Undefined when it is not a cursor. */
export function parseResultCursor(cursor: string): { scannedAt: string; repo: string; path: string } | undefined {
  const first = cursor.indexOf("|");
  const second = first < 0 ? -1 : cursor.indexOf("|", first + 1);
  if (second < 0) return undefined;
  return { scannedAt: cursor.slice(0, first), repo: cursor.slice(first + 1, second), path: cursor.slice(second + 1) };
}
