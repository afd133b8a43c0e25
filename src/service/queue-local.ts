import { JobError } from "./job-errors.js";
import { jobKeyOf } from "./job-keys.js";
import type { JobOutcome, JobQueue, QueueCounts, ScanJob } from "./jobs.js";
import { withTimeout } from "./timeout.js";

/** Runs one job; the embedded gate's is a JobRunner scanning in this process. */
export type RunJob = (job: ScanJob) => Promise<JobOutcome>;

/** Failure messages of background jobs kept for inspection (bounded: a long crawl must not grow it). */
const MAX_FAILURES_KEPT = 100;

interface Waiting {
  key: string;
  job: ScanJob;
  since: number;
}

/**
 * The in-process queue: the embedded gate's default, and a crawl's without `--queue`. Jobs with
 * one key share one run (single flight). `run` (a pull: a person waits) starts at once; `enqueue`
 * (a crawl) runs jobs in the background, `maxRunning` at a time, and `waitForRoom` / `idle` let
 * the crawler keep its backlog bounded and wait for the end. Nothing is retried; a failure is the
 * caller's answer (and is kept in `failures` for background jobs).
 *
 * @example
 * const queue = new LocalQueue((job) => runner.run(job), { toolVersion: VERSION });
 * const outcome = await queue.run(job, 120_000);
 */
export class LocalQueue implements JobQueue {
  private readonly running = new Map<string, { promise: Promise<JobOutcome>; since: number }>();
  private readonly waiting: Waiting[] = [];
  /** The waiting jobs by key, so a join costs a lookup, not a scan of the backlog. */
  private readonly waitingKeys = new Set<string>();
  private readonly done = { completed: 0, failed: 0 };
  private readonly maxRunning: number;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly roomWaiters: { max: number; resolve: () => void }[] = [];
  private closed = false;
  /** Why background jobs failed, newest last. */
  readonly failures: string[] = [];

  constructor(
    private readonly runJob: RunJob,
    private readonly options: { toolVersion: string; maxRunning?: number },
  ) {
    this.maxRunning = Math.max(1, options.maxRunning ?? 2);
  }

  async enqueue(jobs: readonly ScanJob[]): Promise<{ queued: number; joined: number }> {
    if (this.closed) throw new JobError("The queue is closed", "transient", 503, "QueueClosed");
    let queued = 0;
    let joined = 0;
    for (const job of jobs) {
      const key = jobKeyOf(job, this.options.toolVersion);
      if (this.running.has(key) || this.waitingKeys.has(key)) joined++;
      else {
        this.waiting.push({ key, job, since: Date.now() });
        this.waitingKeys.add(key);
        queued++;
      }
    }
    this.pump();
    return { queued, joined };
  }

  async run(job: ScanJob, timeoutMillis: number): Promise<JobOutcome> {
    if (this.closed) throw new JobError("The queue is closed", "transient", 503, "QueueClosed");
    const key = jobKeyOf(job, this.options.toolVersion);
    const running = this.running.get(key)?.promise ?? this.start(key, job);
    return withTimeout(running, timeoutMillis, () => new JobError(`No verdict on ${job.repo}/${job.path} within ${timeoutMillis} ms; not served`, "transient", 504, "ScanTimeout"));
  }

  async counts(): Promise<QueueCounts> {
    const oldest = this.waiting[0]?.since;
    return {
      waiting: this.waiting.length,
      active: this.running.size,
      delayed: 0,
      failed: this.done.failed,
      completed: this.done.completed,
      oldestWaitingMillis: oldest === undefined ? 0 : Date.now() - oldest,
    };
  }

  /** Resolves once fewer than `max` jobs wait: a crawler's backpressure. */
  waitForRoom(max: number): Promise<void> {
    if (this.waiting.length < max) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push({ max, resolve }));
  }

  /** Resolves when nothing waits or runs. */
  idle(): Promise<void> {
    if (this.waiting.length === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Takes no new jobs, drops the waiting ones and waits for those running. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    this.waitingKeys.clear();
    await Promise.allSettled([...this.running.values()].map((r) => r.promise));
  }

  private start(key: string, job: ScanJob): Promise<JobOutcome> {
    const promise = this.runJob(job).then(
      (outcome) => {
        this.done.completed++;
        return outcome;
      },
      (error: unknown) => {
        this.done.failed++;
        throw error;
      },
    );
    const entry = { promise, since: Date.now() };
    this.running.set(key, entry);
    const forget = (): void => {
      if (this.running.get(key) === entry) this.running.delete(key);
      this.pump();
      if (this.waiting.length === 0 && this.running.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    };
    promise.then(forget, forget);
    return promise;
  }

  /** Background jobs start while fewer than `maxRunning` run. */
  private pump(): void {
    while (!this.closed && this.running.size < this.maxRunning && this.waiting.length > 0) {
      const next = this.waiting.shift() as Waiting;
      this.waitingKeys.delete(next.key);
      if (this.running.has(next.key)) continue;
      this.start(next.key, next.job).catch((error: unknown) => {
        this.failures.push(`${next.job.repo}/${next.job.path}: ${error instanceof Error ? error.message : String(error)}`);
        if (this.failures.length > MAX_FAILURES_KEPT) this.failures.shift();
      });
    }
    for (const waiter of this.roomWaiters.filter((w) => this.waiting.length < w.max)) {
      this.roomWaiters.splice(this.roomWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}
