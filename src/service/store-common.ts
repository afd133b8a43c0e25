import type { CrawlState, FileResult, ResultStore } from "./jobs.js";
import { InvalidCursorError } from "./store-errors.js";
import type { VerdictStore } from "./store.js";

/** What `openStore` returns: the gate's storage plus what scale-out adds. */
export type Store = VerdictStore & ResultStore;

/**
 * Largest page a result query returns, whatever the caller asks: the limit reaches the store from
 * an API query string, and an unbounded page is one request holding a connection and megabytes of
 * rows (CWE-770).
 */
export const MAX_RESULTS_PAGE = 1000;

/** The page size to use: the caller's, within 1…MAX_RESULTS_PAGE. */
export function pageSize(limit: number): number {
  if (!Number.isFinite(limit)) return MAX_RESULTS_PAGE;
  return Math.min(MAX_RESULTS_PAGE, Math.max(1, Math.trunc(limit)));
}

/**
 * The cursor that continues after `result`: `scannedAt|repo|path`. Neither an ISO timestamp nor a
 * hub repo id holds `|`, so a path may (it is everything after the second bar).
 *
 * @example
 * const next = await store.filesByRepo("acme/x", 100, resultCursor(page[page.length - 1]!));
 */
export function resultCursor(result: Pick<FileResult, "scannedAt" | "repo" | "path">): string {
  return `${result.scannedAt}|${result.repo}|${result.path}`;
}

export interface ResultCursor {
  scannedAt: string;
  repo: string;
  path: string;
}

/** Parses `after`; a cursor this store did not make is the caller's mistake, not a database failure. */
export function parseResultCursor(after: string): ResultCursor {
  const first = after.indexOf("|");
  const second = first < 0 ? -1 : after.indexOf("|", first + 1);
  if (second < 0) throw new InvalidCursorError(`Invalid cursor ${JSON.stringify(after.slice(0, 200))}: expected "scannedAt|repo|path" from the previous page`);
  return { scannedAt: after.slice(0, first), repo: after.slice(first + 1, second), path: after.slice(second + 1) };
}

/** The organisation of `org/name` (the part before the first slash), as the rule index stores it. */
export function orgOf(repo: string): string {
  const slash = repo.indexOf("/");
  return slash < 0 ? repo : repo.slice(0, slash);
}

/** `org` as callers write it (`acme` or `acme/`) to the stored form. */
export function normalizeOrg(org: string): string {
  return org.endsWith("/") ? org.slice(0, -1) : org;
}

/** Rule ids as stored: deduplicated, in the order given (one row per rule in the rule index). */
export function normalizeRules(rules: readonly string[]): string[] {
  return [...new Set(rules)];
}

/** The fields of the CrawlState contract, which have columns of their own. */
const CRAWL_COLUMNS = new Set(["id", "target", "status", "cursor", "reposListed", "filesQueued", "startedAt", "updatedAt"]);
/** Bytes of a crawl's extra fields kept (counts and one error message): a bound on what one row holds (CWE-770). */
const MAX_CRAWL_EXTRA_BYTES = 16 * 1024;

/**
 * What a crawler adds to its state beyond the contract (counts of files already judged and repos
 * skipped, the last error, the policy digest a resume must match), as the JSON of the `extra`
 * column: only string and number fields, so a row never holds more than the crawler put in.
 */
export function crawlExtra(state: CrawlState): string {
  const extra: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(state)) {
    if (CRAWL_COLUMNS.has(key)) continue;
    if (typeof value === "number" && Number.isFinite(value)) extra[key] = value;
    else if (typeof value === "string") extra[key] = value.slice(0, 4096);
  }
  const text = JSON.stringify(extra);
  return text.length <= MAX_CRAWL_EXTRA_BYTES ? text : "{}";
}

/** `state` with the fields of its `extra` column restored; a column that does not parse adds nothing. */
export function withCrawlExtra(state: CrawlState, extra: string | null | undefined): CrawlState {
  if (!extra || extra === "{}") return state;
  let parsed: unknown;
  try {
    parsed = JSON.parse(extra);
  } catch {
    return state;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return state;
  const out: Record<string, unknown> = { ...state };
  for (const [key, value] of Object.entries(parsed)) {
    if (!CRAWL_COLUMNS.has(key) && (typeof value === "string" || typeof value === "number")) out[key] = value;
  }
  return out as unknown as CrawlState;
}
