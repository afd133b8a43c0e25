import { JobError } from "./job-errors.js";
import { jobKeyOf } from "./job-keys.js";
import type { JobOutcome, JobQueue, QueueCounts, ScanJob } from "./jobs.js";
import { withTimeout } from "./timeout.js";

/** Runs one job; the embedded gate's is a JobRunner scanning in this process. */
export type RunJob = (job: ScanJob) => Promise<JobOutcome>;

/**
 * The embedded default queue: jobs run in this process at once, as the gate always scanned, and
 * jobs with one key share one run (single flight). Nothing is retried; a failure is the caller's
 * answer. `enqueue` (crawls) runs jobs in the background, `maxRunning` at a time.
 *
 * @example
 * const queue = new LocalQueue((job) => runner.run(job), { toolVersion: VERSION });
 * const outcome = await queue.run(job, 120_000);
 */
export class LocalQueue implements JobQueue {
  private readonly running = new Map<string, { promise: Promise<JobOutcome>; since: number }>();
  private readonly waiting: { key: string; job: ScanJob; since: number }[] = [];
  private readonly done = { completed: 0, failed: 0 };
  private readonly maxRunning: number;
  private closed = false;

  constructor(
    private readonly runJob: RunJob,
    private readonly options: { toolVersion: string; maxRunning?: number },
  ) {
    this.maxRunning = Math.max(1, options.maxRunning ?? 2);
  }

  async enqueue(jobs: readonly ScanJob[]): Promise<{ queued: number; joined: number }> {
    let queued = 0;
    let joined = 0;
    for (const job of jobs) {
      const key = jobKeyOf(job, this.options.toolVersion);
      if (this.running.has(key) || this.waiting.some((w) => w.key === key)) joined++;
      else {
        this.waiting.push({ key, job, since: Date.now() });
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

  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
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
    };
    promise.then(forget, forget);
    return promise;
  }

  /** Background jobs (crawls) start while fewer than `maxRunning` run. */
  private pump(): void {
    while (!this.closed && this.running.size < this.maxRunning && this.waiting.length > 0) {
      const next = this.waiting.shift() as { key: string; job: ScanJob };
      if (!this.running.has(next.key)) this.start(next.key, next.job).catch(() => undefined);
    }
  }
}
