import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { Job, Queue, QueueEvents, UnrecoverableError, Worker, type JobsOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { classifyFailure, decodeFailure, encodeFailure, JobError, QueueUnavailableError } from "./job-errors.js";
import { jobIdOf, jobKeyOf } from "./job-keys.js";
import type { JobOutcome, JobQueue, QueueCounts, ScanJob } from "./jobs.js";
import { withTimeout } from "./timeout.js";

/** The BullMQ queue's name (Redis keys `bull:modelvet-scan:*`). */
export const DEFAULT_QUEUE_NAME = "modelvet-scan";

/**
 * Attempts of a job that fails transiently (network, upstream 5xx/429, store down), with
 * exponential backoff from `DEFAULT_BACKOFF_MILLIS`: 2, 4, 8, 16 s between them, so a short outage
 * is ridden out and a lasting one reaches the dead-letter state within half a minute.
 */
export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MILLIS = 2_000;
/** Finished jobs kept for dedupe and inspection; storage holds the verdicts, Redis only the work (CWE-770). */
const KEEP_COMPLETED = { age: 3_600, count: 10_000 };
/** Dead-lettered jobs kept a week for operators (`failedReason`), bounded (CWE-770). */
const KEEP_FAILED = { age: 7 * 24 * 3_600, count: 100_000 };
/** How often a waiting pull also reads its job's state, in case an event was missed. */
const STATE_POLL_MILLIS = 2_000;
/** Crawl jobs wait behind every gate job: a person waits on a pull, nobody on a crawl (BullMQ runs unprioritised jobs first). */
const CRAWL_PRIORITY = 10;
/** How long `serve --queue` and `crawl --queue` wait at start for Redis to answer (ready()). */
const READY_WAIT_MILLIS = 5_000;
/** How long close() waits for BullMQ's own close before it drops the connections anyway. */
const CLOSE_WAIT_MILLIS = 2_000;
/**
 * How long an idle worker blocks on Redis waiting for a job (BullMQ's drainDelay, 5 s by default).
 * A new job wakes it at once either way; this is how long a worker told to stop while Redis is
 * down takes to exit (BullMQ waits for the block to time out, plus a second): ~2 s instead of ~6 s,
 * for one more short command a second from each idle worker.
 */
const IDLE_BLOCK_SECONDS = 1;
/** How long a closing worker waits for Redis to answer a PING before it takes Redis for gone. */
const REDIS_PING_MILLIS = 1_000;

/** Whether Redis answers a PING on `client` within `millis`. */
function answers(client: Redis, millis: number): Promise<boolean> {
  return withTimeout(client.ping(), millis, () => new Error("no PONG")).then(
    () => true,
    () => false,
  );
}

export interface BullQueueOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). */
  url: string;
  toolVersion: string;
  name?: string;
  attempts?: number;
  backoffMillis?: number;
}

/** Options of the gate's own Redis connection: fail at once while Redis is down (the pull answers 503), reconnect by itself. */
function producerConnection(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    // ioredis's default backoff (50 ms more per try, at most 2 s): back within 2 s of Redis.
    retryStrategy: (times) => Math.min(times * 50, 2_000),
    lazyConnect: false,
  } satisfies RedisOptions);
}

/**
 * A connection BullMQ may block on (QueueEvents, Worker): BullMQ requires no per-request retry limit
 * there. Once `closing()` is true it stops reconnecting: QueueEvents runs on a copy of it (ioredis
 * `duplicate()`, same options) that only BullMQ holds, and BullMQ's close waits for that copy to be
 * up or ended. With Redis down it would never be either.
 */
function blockingConnection(url: string, closing: () => boolean = () => false): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => (closing() ? null : Math.min(times * 50, 2_000)) });
}

/**
 * The gate's side of the BullMQ queue: scans become jobs that `modelvet worker` processes take.
 * A job's id is derived from its verdict key, so a second pull (or crawl) of the same digest joins
 * the job already queued or running instead of scanning twice.
 *
 * @example
 * const queue = BullQueue.open({ url: "redis://127.0.0.1:6379", toolVersion: VERSION });
 * const outcome = await queue.run(job, 150_000);
 * await queue.close();
 */
export class BullQueue implements JobQueue {
  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly client: Redis,
    private readonly eventsClient: Redis,
    private readonly options: BullQueueOptions,
    /** Read by the events connection's retry strategy (blockingConnection): set by close(). */
    private readonly lifetime: { closing: boolean },
  ) {
    // Errors surface on the calls (503); an unhandled 'error' event would end the process.
    queue.on("error", () => undefined);
    events.on("error", () => undefined);
    client.on("error", () => undefined);
    eventsClient.on("error", () => undefined);
  }

  static open(options: BullQueueOptions): BullQueue {
    const name = options.name ?? DEFAULT_QUEUE_NAME;
    const client = producerConnection(options.url);
    const lifetime = { closing: false };
    // Eager, though QueueEvents runs on a copy of it (see blockingConnection): BullMQ connects a
    // lazy copy with connect(), and leaves that promise unhandled when Redis refuses it.
    const eventsClient = blockingConnection(options.url, () => lifetime.closing);
    const queue = new Queue(name, { connection: client });
    const events = new QueueEvents(name, { connection: eventsClient });
    return new BullQueue(queue, events, client, eventsClient, options, lifetime);
  }

  /** Resolves once Redis answered (startup checks); the queue works without it, answering 503 until Redis is back. */
  async ready(timeoutMillis = READY_WAIT_MILLIS): Promise<boolean> {
    const until = Date.now() + timeoutMillis;
    while (this.client.status !== "ready") {
      if (Date.now() >= until) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    // The events' own connection (BullMQ's copy): a pull waiting on its job hears the job end there.
    return withTimeout(this.events.waitUntilReady(), Math.max(0, until - Date.now()), () => new Error("events connection not up")).then(
      () => true,
      () => false,
    );
  }

  async enqueue(jobs: readonly ScanJob[]): Promise<{ queued: number; joined: number }> {
    this.assertConnected();
    const entries = jobs.map((job) => ({ job, id: jobIdOf(jobKeyOf(job, this.options.toolVersion)) }));
    const exists = await this.guard(async () => {
      const pipeline = this.client.pipeline();
      for (const { id } of entries) pipeline.exists(this.queue.toKey(id));
      return ((await pipeline.exec()) ?? []).map(([, value]) => value === 1);
    });
    // A job that already ended (completed, or dead-lettered) is not joined: its id would make BullMQ
    // ignore the new job, and this caller (a crawl) would never get its file's result. It is removed
    // and queued again; a verdict already stored answers it at once.
    let joined = 0;
    for (let i = 0; i < entries.length; i++) {
      if (!exists[i]) continue;
      const old = await this.guard(() => Job.fromId<ScanJob, JobOutcome>(this.queue, entries[i]!.id));
      const state = old ? await this.guard(() => old.getState()) : "unknown";
      if (old && (state === "completed" || state === "failed")) await this.guard(() => old.remove());
      else joined++;
    }
    await this.guard(() => this.queue.addBulk(entries.map(({ job, id }) => ({ name: "scan", data: job, opts: this.jobOptions(id, job) }))));
    return { queued: entries.length - joined, joined };
  }

  async run(job: ScanJob, timeoutMillis: number): Promise<JobOutcome> {
    this.assertConnected();
    await this.guard(() => this.events.waitUntilReady());
    const id = jobIdOf(jobKeyOf(job, this.options.toolVersion));
    // Listen before adding: a fast worker can finish the job before `add` returns.
    const wait = this.waitFor(id, timeoutMillis, `${job.repo}/${job.path}`);
    wait.finished.catch(() => undefined);
    try {
      const added = await this.guard(() => this.queue.add("scan", job, this.jobOptions(id, job)));
      // The same id may name an older job that already ended: completed answers now; a dead-lettered
      // one answers with its reason if permanent (no crash loop), or runs again if its cause was transient.
      const state = await this.guard(() => added.getState());
      if (state === "completed" || state === "failed") {
        const old = await this.guard(() => Job.fromId<ScanJob, JobOutcome>(this.queue, id));
        if (old && state === "completed" && old.returnvalue) return old.returnvalue;
        if (old && state === "failed") {
          const failure = decodeFailure(old.failedReason ?? "");
          if (failure.kind === "permanent") throw failure;
          await this.guard(() => old.retry("failed"));
        }
      }
      return await wait.finished;
    } finally {
      wait.cancel();
    }
  }

  async counts(): Promise<QueueCounts> {
    this.assertConnected();
    return this.guard(async () => {
      const c = await this.queue.getJobCounts("waiting", "prioritized", "active", "delayed", "failed", "completed");
      const oldest = [...(await this.queue.getJobs(["wait"], 0, 0, true)), ...(await this.queue.getJobs(["prioritized"], 0, 0, true))];
      const since = Math.min(...oldest.map((j) => j.timestamp));
      return {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
        completed: c.completed ?? 0,
        oldestWaitingMillis: Number.isFinite(since) ? Math.max(0, Date.now() - since) : 0,
      };
    });
  }

  /** Dead-lettered jobs, newest first, with their reasons (for operators and tests). */
  async deadLetters(limit: number): Promise<{ id: string; job: ScanJob; reason: JobError; attempts: number }[]> {
    this.assertConnected();
    const jobs = await this.guard(() => this.queue.getJobs(["failed"], 0, limit - 1));
    return jobs.map((j) => ({ id: j.id ?? "", job: j.data as ScanJob, reason: decodeFailure(j.failedReason ?? ""), attempts: j.attemptsMade }));
  }

  /** Jobs being processed now and the worker holding each (`host#pid`), for operators and tests. */
  async active(limit: number): Promise<{ id: string; job: ScanJob; worker: string }[]> {
    this.assertConnected();
    const jobs = await this.guard(() => this.queue.getJobs(["active"], 0, limit - 1));
    return jobs.map((j) => ({ id: j.id ?? "", job: j.data as ScanJob, worker: j.processedBy ?? "" }));
  }

  async close(): Promise<void> {
    // BullMQ's close first waits for its connections to be up, which never happens while Redis is
    // down: `crawl --queue` printed nothing and never exited after an unreachable Redis. The events
    // connection's copy stops retrying (its next try ends it, and BullMQ's close goes on), ours
    // that are not up are dropped now, and the wait is bounded for one that drops during the close.
    this.lifetime.closing = true;
    if (this.client.status !== "ready") this.client.disconnect();
    if (this.eventsClient.status !== "ready") this.eventsClient.disconnect();
    const closed = (async () => {
      await this.events.close().catch(() => undefined);
      await this.queue.close().catch(() => undefined);
    })().finally(() => handleLateErrors(this.events, this.queue));
    await withTimeout(closed, CLOSE_WAIT_MILLIS, () => new Error("BullMQ's close took too long")).catch(() => undefined);
    this.client.disconnect();
    this.eventsClient.disconnect();
  }

  private jobOptions(id: string, job: ScanJob): JobsOptions {
    return {
      jobId: id,
      attempts: this.options.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: "exponential", delay: this.options.backoffMillis ?? DEFAULT_BACKOFF_MILLIS },
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: KEEP_FAILED,
      ...(job.origin === "gate" ? {} : { priority: CRAWL_PRIORITY }),
    };
  }

  private assertConnected(): void {
    if (this.client.status !== "ready") throw new QueueUnavailableError(`The scan queue (Redis) is unreachable (connection ${this.client.status}); files not judged yet are not served until it is back`);
  }

  /** Runs a Redis call; a connection failure becomes QueueUnavailableError (503). */
  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof JobError) throw error;
      throw new QueueUnavailableError(`The scan queue (Redis) failed: ${(error as Error).message}; not served`);
    }
  }

  /** The job's outcome from QueueEvents; a lost connection or the time limit ends the wait (503, 504), never a pass. */
  private waitFor(id: string, timeoutMillis: number, name: string): { finished: Promise<JobOutcome>; cancel: () => void } {
    // QueueEvents emits `completed:<id>` and `failed:<id>` besides its typed events.
    const events = this.events as unknown as EventEmitter;
    let cancel = (): void => undefined;
    const finished = new Promise<JobOutcome>((resolve, reject) => {
      const onCompleted = ({ returnvalue }: { returnvalue: unknown }): void => end(() => resolve(returnvalue as JobOutcome));
      const onFailed = ({ failedReason }: { failedReason: string }): void => end(() => reject(decodeFailure(failedReason)));
      const onClose = (): void => end(() => reject(new QueueUnavailableError(`The scan queue (Redis) went away while ${name} waited for its verdict; not served`)));
      const timer = setTimeout(() => end(() => reject(new JobError(`No verdict on ${name} within ${timeoutMillis} ms (queue wait plus scan); not served`, "transient", 504, "ScanTimeout"))), timeoutMillis);
      // Events can be missed (QueueEvents still starting, a Redis blip): the job itself is looked at now and then too.
      const poll = setInterval(() => {
        void Job.fromId<ScanJob, JobOutcome>(this.queue, id).then(
          (job) => {
            if (job?.finishedOn === undefined) return;
            if (job.failedReason && !job.returnvalue) onFailed({ failedReason: job.failedReason });
            else if (job.returnvalue) onCompleted({ returnvalue: job.returnvalue });
          },
          () => undefined,
        );
      }, STATE_POLL_MILLIS);
      const end = (settle: () => void): void => {
        clearTimeout(timer);
        clearInterval(poll);
        events.off(`completed:${id}`, onCompleted);
        events.off(`failed:${id}`, onFailed);
        this.client.off("close", onClose);
        this.eventsClient.off("close", onClose);
        settle();
      };
      events.on(`completed:${id}`, onCompleted);
      events.on(`failed:${id}`, onFailed);
      this.client.once("close", onClose);
      this.eventsClient.once("close", onClose);
      cancel = () => end(() => undefined);
    });
    return { finished, cancel: () => cancel() };
  }
}

/** Deletes the lock only if it is still ours: a lock that expired and was taken by another worker stays theirs. */
const RELEASE_LOCK = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
/** How often a worker waiting on another's lock looks again. */
const LOCK_POLL_MILLIS = 100;

/**
 * Locks per verdict key in Redis (`SET NX PX`, renewed while held), so that two workers never scan
 * the same digest at once even when their jobs had different ids (made without a digest). A lock
 * of a killed worker lapses after `ttlMillis`, like its job's claim.
 *
 * @example
 * const locks = new KeyLocks(redis, 30_000);
 * await locks.exclusive(key, () => scanAndStore());
 */
export class KeyLocks {
  constructor(
    private readonly client: Redis,
    private readonly ttlMillis: number,
    private readonly waitMillis: number,
  ) {}

  async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const name = `modelvet:scanning:${jobIdOf(key)}`;
    const token = randomUUID();
    const until = Date.now() + this.waitMillis;
    while ((await this.client.set(name, token, "PX", this.ttlMillis, "NX")) !== "OK") {
      if (Date.now() > until) throw new JobError(`Another worker has been scanning ${key} for over ${this.waitMillis} ms`, "transient", 503, "ScanBusy");
      await new Promise((r) => setTimeout(r, LOCK_POLL_MILLIS));
    }
    const renew = setInterval(() => void this.client.pexpire(name, this.ttlMillis).catch(() => undefined), this.ttlMillis / 2);
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await this.client.eval(RELEASE_LOCK, 1, name, token).catch(() => undefined);
    }
  }
}

export interface BullWorkerOptions {
  url: string;
  name?: string;
  /** Recorded on the jobs it takes (BullMQ `processedBy`), so an operator sees who holds what. */
  workerName?: string;
  /** Jobs this process runs at once (each scan on its own worker thread). */
  concurrency?: number;
  /**
   * How long a job stays claimed without its worker renewing the claim (the visibility timeout).
   * The worker renews it every half of this while alive; a killed worker's job returns to the
   * queue at the next stalled check after it lapses.
   */
  lockMillis?: number;
  /** How often this worker looks for stalled jobs (claims of dead workers). */
  stalledIntervalMillis?: number;
  /** Times a job may lose its worker before it is dead-lettered as poison (BullMQ maxStalledCount). */
  maxStalledCount?: number;
  /** The most one job may take (resolve, fetch, scan); past it the attempt fails transiently. */
  jobTimeoutMillis: number;
}

/**
 * `modelvet worker`'s side: takes jobs and runs them with `runJob`. Permanent failures go straight
 * to the dead-letter state (BullMQ's failed set, reason in `failedReason`); transient ones are
 * retried with backoff.
 */
export function startBullWorker(
  runJob: (job: ScanJob) => Promise<JobOutcome>,
  options: BullWorkerOptions,
): { worker: Worker; locks: KeyLocks; close(): Promise<{ unfinished: number }> } {
  const lifetime = { closing: false };
  /** Jobs in runJob now: what a close that could not wait for them leaves unfinished. */
  let running = 0;
  const connection = blockingConnection(options.url, () => lifetime.closing);
  connection.on("error", () => undefined);
  const lockClient = blockingConnection(options.url, () => lifetime.closing);
  lockClient.on("error", () => undefined);
  const locks = new KeyLocks(lockClient, options.lockMillis ?? 30_000, options.jobTimeoutMillis);
  const worker = new Worker<ScanJob, JobOutcome>(
    options.name ?? DEFAULT_QUEUE_NAME,
    async (job) => {
      running++;
      try {
        return await withTimeout(runJob(job.data), options.jobTimeoutMillis, () => new JobError(`The job took longer than ${options.jobTimeoutMillis} ms (limit jobTimeoutMillis)`, "transient", 504, "ScanTimeout"));
      } catch (error) {
        const failure = classifyFailure(error);
        if (failure.kind === "permanent") throw new UnrecoverableError(encodeFailure(failure));
        throw new Error(encodeFailure(failure));
      } finally {
        running--;
      }
    },
    {
      connection,
      name: options.workerName,
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockMillis ?? 30_000,
      stalledInterval: options.stalledIntervalMillis ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 1,
      drainDelay: IDLE_BLOCK_SECONDS,
    },
  );
  worker.on("error", () => undefined);
  return {
    worker,
    locks,
    async close() {
      // BullMQ's graceful close waits for the jobs running, then for its blocking connection to
      // end; with Redis gone that connection may never end (ioredis emits no "end" for a client
      // dropped while it waits to reconnect), and the worker did not stop on SIGTERM. So: with
      // Redis down, close by force (jobs running now cannot report to the queue anyway; their
      // locks lapse and they are taken again once Redis is back), and stop waiting for a graceful
      // close once our own connection shows Redis gone. Either way jobs may still be running (a
      // download in flight): close() says how many, and the caller decides whether to wait for them.
      lifetime.closing = true;
      // Asked, not read from the status: a Redis that went away a moment before the SIGTERM still
      // shows "ready" until its socket's close is seen.
      const up = connection.status === "ready" && (await answers(connection, REDIS_PING_MILLIS));
      const closed = worker.close(!up).catch(() => undefined);
      // Closing, the connection does not retry (blockingConnection): Redis lost ends it.
      const lost = new Promise<void>((resolve) => (connection.status === "end" ? resolve() : connection.once("end", () => resolve())));
      await Promise.race([closed, lost]);
      void closed.finally(() => handleLateErrors(worker));
      connection.disconnect();
      lockClient.disconnect();
      return { unfinished: running };
    },
  };
}

/**
 * BullMQ's close removes every listener of its internal connections (RedisConnection), but a
 * connection whose first connect was still pending settles later, and reports a failure with
 * emit("error"). With no listener left, that emit throws inside a promise nobody awaits: an
 * unhandled rejection, which ends a Node process by default. Seen once in CI, after a queue
 * closed while Redis was unreachable; a stopping gate, worker or crawl could end that way too.
 * An error listener put back once the close is done keeps such a late report harmless.
 */
function handleLateErrors(...owners: (Queue | QueueEvents | Worker)[]): void {
  for (const owner of owners) {
    for (const name of ["connection", "blockingConnection"]) {
      // Protected in BullMQ's types: the one way to reach what its close leaves bare.
      const connection = (owner as unknown as Record<string, unknown>)[name];
      if (connection instanceof EventEmitter && connection.listenerCount("error") === 0) connection.on("error", () => undefined);
    }
  }
}
