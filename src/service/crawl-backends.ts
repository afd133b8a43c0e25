/**
 * Where `modelvet crawl` gets its store and queue from a `--db` / `--queue` URL: the seam where
 * the SQLite/Postgres stores and the BullMQ queue of scale-out (issue 15) plug in.
 *
 * - `--db memory:NAME`: a MemoryStore kept for the life of the process (tests, trials).
 * - `--db postgres://…`: the Postgres store; `--db FILE` (or `sqlite:FILE`): the gate's SQLite file.
 * - no `--queue`: scans run in this process (LocalQueue + judgeJob), with backpressure.
 * - `--queue redis://…`: BullMQ, judged by `modelvet worker` processes (started with the same --policy).
 */
import type { JobQueue, ResultStore } from "./jobs.js";
import { judgeJob, MemoryStore } from "./crawl-memory.js";
import { LocalQueue } from "./queue-local.js";
import { Metrics } from "./metrics.js";
import type { VerdictStore } from "./store.js";
import { DEFAULT_GATE_LIMITS, Vetter, type PolicyContext } from "./vet.js";

export type CrawlStore = VerdictStore & ResultStore;

/** Backends that cannot be opened from what was given: the CLI reports them as usage errors. */
export class BackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackendError";
  }
}

const memoryStores = new Map<string, MemoryStore>();

/**
 * The store for `--db`. A memory store is closed by nobody: `memory:NAME` is the same store for
 * every crawl of this process.
 *
 * @example
 * const store = await openCrawlStore("modelvet-gate.db");
 */
export async function openCrawlStore(url: string): Promise<CrawlStore> {
  if (url.startsWith("memory:")) {
    let store = memoryStores.get(url);
    if (!store) memoryStores.set(url, (store = new MemoryStore()));
    return store;
  }
  const { openStore, redactStoreUrl } = await import("./open-store.js");
  try {
    return await openStore(url);
  } catch (error) {
    throw new BackendError(`--db ${JSON.stringify(redactStoreUrl(url))}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Jobs at most waiting in an in-process queue before the listing waits (memory stays bounded, CWE-400). */
export const MAX_IN_PROCESS_BACKLOG = 10_000;

export interface OpenedQueue {
  queue: JobQueue;
  /** The in-process queue: wait for it to drain before exiting, or the listed files are lost. */
  inProcess: boolean;
  /** Resolves once fewer than MAX_IN_PROCESS_BACKLOG jobs wait; none for a queue that holds its own backlog. */
  backpressure?: () => Promise<void>;
  /** Resolves when every queued job was judged (in-process only). */
  drained?: () => Promise<void>;
}

/**
 * The queue for `--queue`; without one, scans run here, `concurrency` at a time.
 *
 * @example
 * const { queue } = await openCrawlQueue(undefined, { upstream, store, policy, toolVersion });
 */
export async function openCrawlQueue(
  url: string | undefined,
  deps: { upstream: string; upstreamToken?: string; store: CrawlStore; policy: PolicyContext; toolVersion: string; concurrency?: number },
): Promise<OpenedQueue> {
  if (url !== undefined) {
    // Jobs go to `modelvet worker` processes; they find the crawl's policy by its digest, so they
    // must run with the same --policy (or the job waits in retries, then fails as UnknownPolicy).
    if (!/^rediss?:\/\//i.test(url)) throw new BackendError(`--queue ${JSON.stringify(redact(url))}: give a redis:// or rediss:// URL`);
    const { BullQueue } = await import("./queue-bullmq.js");
    const queue = BullQueue.open({ url, toolVersion: deps.toolVersion });
    // A crawl queues its first files at once, and the queue answers "unreachable" until Redis has
    // answered the connection's handshake: on a loaded machine the crawl stopped there. Redis
    // still down after the wait (as long as serve's): the first enqueue says so, and the crawl stops.
    await queue.ready();
    return { queue, inProcess: false };
  }
  const vetter = new Vetter({ upstream: deps.upstream, upstreamToken: deps.upstreamToken, metrics: new Metrics(), toolVersion: deps.toolVersion, limits: DEFAULT_GATE_LIMITS });
  const judge = { vetter, store: deps.store, policy: deps.policy };
  const queue = new LocalQueue((job) => judgeJob(job, judge), { toolVersion: deps.toolVersion, maxRunning: deps.concurrency ?? 4 });
  return { queue, inProcess: true, backpressure: () => queue.waitForRoom(MAX_IN_PROCESS_BACKLOG), drained: () => queue.idle() };
}

/** A URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.href;
  } catch {
    return url;
  }
}
