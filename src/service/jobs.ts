/**
 * The contracts of scale-out (issue 15), shared by the queue (BullMQ on Redis), the stores
 * (SQLite, Postgres) and the crawler. Types only: each side implements them in its own module so
 * that the embedded default (SQLite, in-process scanning) needs none of the networked packages.
 */

/** One hub file to judge. Built by the gate (a pull or a scan request) or by a crawl. */
export interface ScanJob {
  /** Hub repository id, `org/name`. */
  repo: string;
  /** The commit sha the revision resolved to when the job was made, so a later push cannot swap the bytes. */
  revision: string;
  /** Path inside the repository. */
  path: string;
  /** `sha256:<hex>` when the hub's listing gave it (LFS files): a digest already judged is answered from storage without a fetch. */
  digest?: string;
  size?: number;
  /** Digest of the policy the job is judged under (part of the verdict key). */
  policyDigest: string;
  /** `gate` for a request waiting on the answer, `crawl:<id>` for a crawl. */
  origin: string;
}

/** What a finished job recorded. */
export interface JobOutcome {
  /** The verdict key `digest|policyDigest|toolVersion`. */
  verdictKey: string;
  verdict: string;
  allowed: boolean;
  /** True when storage already held the verdict and nothing was scanned. */
  fromStore: boolean;
}

/** Counts for `/metrics` and the deployment page's "what to monitor". */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  /** Age in milliseconds of the oldest waiting job, 0 when none waits. */
  oldestWaitingMillis: number;
}

/**
 * Where scans are sent. The embedded default runs them in-process; the BullMQ implementation sends
 * them to `modelvet worker` processes. Both dedupe by verdict key: two workers never scan the same
 * digest under the same policy and version at once.
 */
export interface JobQueue {
  /** Queues the jobs; a job whose verdict key is queued or running already joins it. */
  enqueue(jobs: readonly ScanJob[]): Promise<{ queued: number; joined: number }>;
  /** Queues one job and waits for its outcome (the gate's pull path), up to `timeoutMillis`. */
  run(job: ScanJob, timeoutMillis: number): Promise<JobOutcome>;
  counts(): Promise<QueueCounts>;
  close(): Promise<void>;
}

/** One file's latest verdict as seen in one repository at one commit, for queries by repo and by rule. */
export interface FileResult {
  repo: string;
  revision: string;
  path: string;
  digest: string;
  verdictKey: string;
  verdict: string;
  /** Rule ids of the findings, deduplicated. */
  rules: string[];
  scannedAt: string;
  /** The crawl that produced it, if any. */
  crawlId?: string;
}

/** A crawl's resumable state: the listing cursor is saved after every page. */
export interface CrawlState {
  id: string;
  /** What was asked: `org:<name>`, `repos:<a,b,c>` or `hub`. */
  target: string;
  status: "listing" | "queued" | "done" | "failed";
  /** Opaque listing cursor (the next page's URL); empty when the listing is finished. */
  cursor: string;
  reposListed: number;
  filesQueued: number;
  startedAt: string;
  updatedAt: string;
}

/** Storage that scale-out adds to `VerdictStore`; both the SQLite and the Postgres store implement it. */
export interface ResultStore {
  recordFileResult(result: FileResult): Promise<void>;
  /** Newest first, `limit` at most; `after` is the previous page's last `scannedAt|repo|path`. */
  filesByRepo(repo: string, limit: number, after?: string): Promise<FileResult[]>;
  /** Files whose findings include `rule`, optionally within one organisation (`org/` prefix). */
  filesByRule(rule: string, options: { org?: string; limit: number; after?: string }): Promise<FileResult[]>;
  saveCrawl(state: CrawlState): Promise<void>;
  getCrawl(id: string): Promise<CrawlState | undefined>;
  listCrawls(limit: number): Promise<CrawlState[]>;
}
