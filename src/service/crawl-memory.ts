/**
 * In-memory stand-ins for the scale-out contracts (src/service/jobs.ts), so that the crawler runs
 * and is tested without Redis or a database: a `MemoryStore` (VerdictStore + ResultStore), and
 * `judgeJob`, which judges a job here for the in-process `LocalQueue`.
 *
 * For tests and for `modelvet crawl --db memory:` only. Everything is lost when the process ends;
 * the SQLite/Postgres stores and the BullMQ queue are the real implementations.
 */
import type { CrawlState, FileResult, JobOutcome, ResultStore, ScanJob } from "./jobs.js";
import type { AuditEntry, StoredVerdict, TokenRecord, VerdictStore } from "./store.js";
import type { PolicyContext, Vetter } from "./vet.js";
import { parseResultCursor } from "./result-cursor.js";
import { JobRunner } from "./job-runner.js";
import { PolicyBook } from "./policy-book.js";

/** Newest first; ties by repo, then path, both descending (as `ORDER BY scanned_at DESC, repo DESC, path DESC`). */
function compareResults(a: FileResult, b: FileResult): number {
  const ka = [a.scannedAt, a.repo, a.path];
  const kb = [b.scannedAt, b.repo, b.path];
  for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return (ka[i] as string) < (kb[i] as string) ? 1 : -1;
  return 0;
}

/** True when `result` comes strictly after the cursor in `compareResults` order. */
function isAfter(result: FileResult, cursor: string | undefined): boolean {
  if (cursor === undefined) return true;
  const parsed = parseResultCursor(cursor);
  return parsed !== undefined && compareResults(result, { ...result, ...parsed }) > 0;
}

/**
 * VerdictStore and ResultStore in memory.
 *
 * @example
 * const store = new MemoryStore();
 * await store.saveCrawl(state);
 */
export class MemoryStore implements VerdictStore, ResultStore {
  private readonly verdicts = new Map<string, StoredVerdict>();
  private readonly audit: AuditEntry[] = [];
  private readonly tokens = new Map<string, TokenRecord>();
  /** One row per repo, commit and path, as the contract says; the newest write wins. */
  private readonly results = new Map<string, FileResult>();
  private readonly crawls = new Map<string, CrawlState>();

  async getVerdict(key: string): Promise<StoredVerdict | undefined> {
    return this.verdicts.get(key);
  }
  async putVerdict(verdict: StoredVerdict): Promise<void> {
    this.verdicts.set(verdict.key, verdict);
  }
  async verdictsByDigest(digest: string): Promise<StoredVerdict[]> {
    return [...this.verdicts.values()].filter((v) => v.digest === digest);
  }
  async appendAudit(entry: AuditEntry): Promise<number> {
    const id = this.audit.length + 1;
    this.audit.push({ ...entry, id });
    return id;
  }
  async recentAudit(limit: number): Promise<AuditEntry[]> {
    return this.audit.slice(-limit).reverse();
  }
  async auditEntry(id: number): Promise<AuditEntry | undefined> {
    return this.audit[id - 1];
  }
  async createToken(token: TokenRecord): Promise<void> {
    this.tokens.set(token.id, token);
  }
  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    return [...this.tokens.values()].find((t) => t.hash === hash);
  }
  async listTokens(): Promise<TokenRecord[]> {
    return [...this.tokens.values()];
  }
  async revokeToken(id: string, at: string): Promise<boolean> {
    const token = this.tokens.get(id);
    if (!token || token.revokedAt !== undefined) return false;
    token.revokedAt = at;
    return true;
  }
  async close(): Promise<void> {}

  async recordFileResult(result: FileResult): Promise<void> {
    this.results.set(`${result.repo}\0${result.revision}\0${result.path}`, { ...result, rules: [...result.rules] });
  }
  async filesByRepo(repo: string, limit: number, after?: string): Promise<FileResult[]> {
    return this.page((r) => r.repo === repo, limit, after);
  }
  async filesByRule(rule: string, options: { org?: string; limit: number; after?: string }): Promise<FileResult[]> {
    return this.page((r) => r.rules.includes(rule) && (options.org === undefined || r.repo.startsWith(`${options.org}/`)), options.limit, options.after);
  }
  async saveCrawl(state: CrawlState): Promise<void> {
    this.crawls.set(state.id, { ...state });
  }
  async getCrawl(id: string): Promise<CrawlState | undefined> {
    const state = this.crawls.get(id);
    return state ? { ...state } : undefined;
  }
  async listCrawls(limit: number): Promise<CrawlState[]> {
    return [...this.crawls.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1)).slice(0, limit);
  }

  private page(match: (r: FileResult) => boolean, limit: number, after: string | undefined): FileResult[] {
    return [...this.results.values()].filter((r) => match(r) && isAfter(r, after)).sort(compareResults).slice(0, limit);
  }
}

/** Dependencies of `judgeJob`: where files come from and where verdicts go. */
export interface JudgeDeps {
  vetter: Vetter;
  store: VerdictStore & ResultStore;
  policy: PolicyContext;
}

/**
 * Judges one job as a worker does (the same JobRunner): resolves the file at the job's commit, scans
 * it once per digest (or answers from storage), and records the file's result for queries by repo
 * and rule. A failure (upstream down, scan past its limit) is thrown as a JobError: the job fails,
 * nothing is recorded.
 */
export function judgeJob(job: ScanJob, deps: JudgeDeps): Promise<JobOutcome> {
  let runner = runners.get(deps);
  if (!runner) {
    const policies = new PolicyBook(deps.store);
    policies.remember(deps.policy);
    const vetter = deps.vetter;
    runner = new JobRunner({ vetter, store: deps.store, policies, toolVersion: vetter.toolVersion, scan: (file, name, policy) => vetter.scanFile(file, name, policy) });
    runners.set(deps, runner);
  }
  return runner.run(job);
}

/** One runner per set of dependencies (the same object for every job of a crawl). */
const runners = new WeakMap<JudgeDeps, JobRunner>();
