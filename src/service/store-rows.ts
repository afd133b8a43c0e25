import type { CrawlState, FileResult } from "./jobs.js";
import { withCrawlExtra } from "./store-common.js";
import type { AuditEntry, StoredVerdict, TokenRecord } from "./store.js";

/*
 * The rows both stores read, and one mapper per table. The dialects differ only in how a value
 * comes back: SQLite gives lists as JSON (or comma-joined) text, booleans as 0/1 and integers as
 * numbers; Postgres gives text[] as arrays, booleans as booleans and BIGINT as strings. Each store
 * passes its decoders; the field mapping lives here once.
 */

/** How a store's driver returns a list column (`L`) and a boolean column (`B`). */
export interface RowDecoders<L, B> {
  list(value: L): string[];
  bool(value: B): boolean;
}

export interface VerdictRow<L, B> {
  cache_key: string;
  digest: string;
  policy_digest: string;
  tool_version: string;
  verdict: string;
  allowed: B;
  rules: L;
  report: string;
  created_at: string;
}

export interface AuditRow<L> {
  /** A number (SQLite) or a BIGINT string (Postgres). */
  id: number | string;
  at: string;
  actor: string;
  action: AuditEntry["action"];
  repo: string;
  revision: string;
  commit_sha: string;
  path: string;
  digest: string;
  verdict: string;
  decision: AuditEntry["decision"];
  rules: L;
  status: number;
  reason: string;
  verdict_key: string;
}

export interface TokenRow<L> {
  id: string;
  name: string;
  hash: string;
  scopes: L;
  policy: string | null;
  rate_per_minute: number | null;
  created_at: string;
  revoked_at: string | null;
}

export interface FileResultRow<L> {
  repo: string;
  path: string;
  revision: string;
  digest: string;
  verdict_key: string;
  verdict: string;
  rules: L;
  scanned_at: string;
  crawl_id: string | null;
}

export interface CrawlRow {
  id: string;
  target: string;
  status: CrawlState["status"];
  cursor: string;
  /** Numbers (SQLite) or BIGINT strings (Postgres). */
  repos_listed: number | string;
  files_queued: number | string;
  started_at: string;
  updated_at: string;
  /** JSON of the crawler's own fields (migration 3). */
  extra: string;
}

export function verdictFromRow<L, B>(r: VerdictRow<L, B>, d: RowDecoders<L, B>): StoredVerdict {
  return {
    key: r.cache_key,
    digest: r.digest,
    policyDigest: r.policy_digest,
    toolVersion: r.tool_version,
    verdict: r.verdict,
    allowed: d.bool(r.allowed),
    rules: d.list(r.rules),
    report: r.report,
    createdAt: r.created_at,
  };
}

export function auditFromRow<L>(r: AuditRow<L>, d: RowDecoders<L, unknown>): AuditEntry {
  return {
    id: Number(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    repo: r.repo,
    revision: r.revision,
    commit: r.commit_sha,
    path: r.path,
    digest: r.digest,
    verdict: r.verdict,
    decision: r.decision,
    rules: d.list(r.rules),
    status: r.status,
    reason: r.reason,
    verdictKey: r.verdict_key,
  };
}

/** `scopes` has its own decoder: SQLite keeps it comma-joined, not as JSON. */
export function tokenFromRow<L>(r: TokenRow<L>, scopes: (value: L) => string[]): TokenRecord {
  return {
    id: r.id,
    name: r.name,
    hash: r.hash,
    scopes: scopes(r.scopes),
    policy: r.policy ?? undefined,
    ratePerMinute: r.rate_per_minute ?? undefined,
    createdAt: r.created_at,
    revokedAt: r.revoked_at ?? undefined,
  };
}

export function fileResultFromRow<L>(r: FileResultRow<L>, d: RowDecoders<L, unknown>): FileResult {
  const result: FileResult = {
    repo: r.repo,
    revision: r.revision,
    path: r.path,
    digest: r.digest,
    verdictKey: r.verdict_key,
    verdict: r.verdict,
    rules: d.list(r.rules),
    scannedAt: r.scanned_at,
  };
  if (r.crawl_id !== null) result.crawlId = r.crawl_id;
  return result;
}

export function crawlFromRow(r: CrawlRow): CrawlState {
  const state: CrawlState = {
    id: r.id,
    target: r.target,
    status: r.status,
    cursor: r.cursor,
    reposListed: Number(r.repos_listed),
    filesQueued: Number(r.files_queued),
    startedAt: r.started_at,
    updatedAt: r.updated_at,
  };
  return withCrawlExtra(state, r.extra);
}
