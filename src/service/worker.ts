import { hostname } from "node:os";
import type { FileReport } from "../core/finding.js";
import { HARD_TIMEOUT_GRACE_MS, POOL_AVAILABLE, ScanPool } from "../node/scan-pool.js";
import { decodeFailure } from "./job-errors.js";
import { JobRunner, type ScanFile } from "./job-runner.js";
import type { ResultStore } from "./jobs.js";
import { Metrics } from "./metrics.js";
import { PolicyBook } from "./policy-book.js";
import { startBullWorker } from "./queue-bullmq.js";
import type { VerdictStore } from "./store.js";
import { DEFAULT_GATE_LIMITS, Vetter, type PolicyContext, type ResolvedFile } from "./vet.js";

export interface WorkerOptions {
  queueUrl: string;
  queueName?: string;
  /** The gate's store: verdicts go where the gate reads them. */
  store: VerdictStore & Partial<ResultStore>;
  upstream: string;
  upstreamToken?: string;
  policyText?: string;
  toolVersion: string;
  concurrency: number;
  scanTimeoutMillis: number;
  lockMillis: number;
  stalledIntervalMillis: number;
  maxStalledCount: number;
  log: (line: string) => void;
}

/**
 * Margin of one job past its scan's own limit: resolving the file on the upstream (one round trip,
 * retried) and storing the verdict. The scan itself is stopped by the pool at
 * scanTimeoutMillis + HARD_TIMEOUT_GRACE_MS.
 */
const JOB_MARGIN_MILLIS = 2 * DEFAULT_GATE_LIMITS.upstreamTimeoutMillis;

/**
 * One `modelvet worker` process: a BullMQ worker whose jobs are resolved on the upstream and
 * scanned on worker threads (one pool per policy), so an out-of-memory or a hang costs that job's
 * verdict (`error`), and the main thread keeps renewing the job's lock while a file is scanned.
 */
export async function runWorker(options: WorkerOptions): Promise<{ close(): Promise<void>; closed: Promise<void> }> {
  const metrics = new Metrics();
  const limits = { ...DEFAULT_GATE_LIMITS, scanTimeoutMillis: options.scanTimeoutMillis };
  const vetter = new Vetter({ upstream: options.upstream, upstreamToken: options.upstreamToken, metrics, toolVersion: options.toolVersion, limits });
  const policies = new PolicyBook(options.store);
  policies.contextOf(options.policyText, "server policy");
  const pools = new Map<string, ScanPool>();

  const poolOf = (policy: PolicyContext): ScanPool => {
    let pool = pools.get(policy.digest);
    if (!pool) {
      pool = new ScanPool({ policyLayers: policy.policy.layers, limits: { maxMillisPerFile: options.scanTimeoutMillis }, size: options.concurrency });
      pools.set(policy.digest, pool);
    }
    return pool;
  };
  // From TypeScript sources (tests in-process) there is no compiled worker script: scan in this thread.
  const scan: ScanFile = POOL_AVAILABLE
    ? async (file: ResolvedFile, name: string, policy: PolicyContext): Promise<FileReport> => {
        const remote = file.kind === "inline" ? { path: name, bytes: file.bytes } : { path: name, url: file.url, expectedSize: file.size, ...vetter.remoteAccess(file.url), http: { requestTimeoutMillis: limits.upstreamTimeoutMillis } };
        return (await poolOf(policy).scan({ remote })).report;
      }
    : (file, name, policy) => vetter.scanFile(file, name, policy);

  const runner = new JobRunner({ vetter, store: options.store, policies, toolVersion: options.toolVersion, scan, metrics, exclusive: (key, work) => locks.exclusive(key, work) });
  const { worker, locks, close: closeWorker } = startBullWorker((job) => runner.run(job), {
    url: options.queueUrl,
    name: options.queueName,
    workerName: `${hostname()}#${process.pid}`,
    concurrency: options.concurrency,
    lockMillis: options.lockMillis,
    stalledIntervalMillis: options.stalledIntervalMillis,
    maxStalledCount: options.maxStalledCount,
    jobTimeoutMillis: options.scanTimeoutMillis + HARD_TIMEOUT_GRACE_MS + JOB_MARGIN_MILLIS,
  });
  worker.on("completed", (job, outcome) => options.log(`job ${job.id} ${job.data.repo}/${job.data.path}: ${outcome.verdict}${outcome.fromStore ? " (from store)" : ""}`));
  worker.on("failed", (job, error) => {
    options.log(`job ${job?.id ?? "?"} ${job ? `${job.data.repo}/${job.data.path}` : ""} attempt ${job?.attemptsMade ?? "?"} failed: ${error.message}`);
    // A crawl's file that ends dead-lettered is recorded as an error, so the crawl's results say so
    // instead of leaving the file out (a query by repo must never look complete when it is not).
    const final = job !== undefined && (error.name === "UnrecoverableError" || job.attemptsMade >= (job.opts.attempts ?? 1));
    if (final && job.data.origin.startsWith("crawl:") && options.store.recordFileResult) {
      const failure = decodeFailure(error.message);
      void options.store
        .recordFileResult({
          repo: job.data.repo,
          revision: job.data.revision,
          path: job.data.path,
          digest: job.data.digest ?? "",
          verdictKey: "",
          verdict: "error",
          rules: [],
          scannedAt: new Date().toISOString(),
          crawlId: job.data.origin.slice("crawl:".length),
        })
        .catch((e: Error) => options.log(`cannot record the dead-lettered ${job.data.repo}/${job.data.path} (${failure.message}): ${e.message}`));
    }
  });
  await worker.waitUntilReady().catch((error: Error) => options.log(`queue not reachable yet (${error.message}); retrying in the background`));

  let resolveClosed = (): void => undefined;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | undefined;
  return {
    closed,
    close() {
      closing ??= (async () => {
        const { unfinished } = await closeWorker();
        if (unfinished > 0) {
          options.log(`closed with ${unfinished} job${unfinished === 1 ? "" : "s"} unfinished: Redis was unreachable, so the queue cannot be told; their locks lapse and a worker takes them again once Redis is back`);
        }
        await Promise.all([...pools.values()].map((p) => p.close()));
        await options.store.close();
        resolveClosed();
      })();
      return closing;
    },
  };
}
