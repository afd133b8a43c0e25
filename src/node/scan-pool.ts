import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import { verdictOf, type FileReport } from "../core/finding.js";
import type { Limits } from "../core/limits.js";
import { resolveLimits } from "../core/limits.js";
import type { PolicyData } from "../policy/policy.js";
import type { HttpLimits } from "../web/http-source.js";
import type { Entry, ScannedEntry } from "./scan-paths.js";
import { WORKER_HEAP_MB, WORKER_SCRIPT, spawnScanWorker, takeEarlyWorker } from "./scan-worker-spawn.js";

export { WORKER_HEAP_MB, WORKER_YOUNG_MB } from "./scan-worker-spawn.js";
/**
 * Time past `maxMillisPerFile` after which a worker is terminated (CWE-400). The engine checks its
 * deadline itself; this catches synchronous work it cannot interrupt (a third-party parser).
 */
export const HARD_TIMEOUT_GRACE_MS = 5_000;

/**
 * Whether worker threads can be used: the compiled worker script sits beside this module. Running
 * from TypeScript sources (the test runner) there is none, and callers scan in-process.
 */
export const POOL_AVAILABLE: boolean = existsSync(fileURLToPath(WORKER_SCRIPT));

/**
 * Files sent to a worker in one message (CWE-400 on the other side: a batch whose worker dies is
 * scanned again file by file). One message per file costs more than scanning a small file: the
 * round trip, and waking both threads, is most of the time a folder of small pickles takes.
 */
export const MAX_BATCH_FILES = 32;
/** Only files up to this size share a message; a larger one goes alone (its scan dwarfs the message). */
export const BATCH_FILE_BYTES = 256 * 1024;
/** Bytes of files in one batch: bounds what one worker holds for a batch, whatever the files. */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;

export interface ScanPoolOptions {
  policyLayers: readonly PolicyData[];
  limits?: Partial<Limits>;
  /** Worker threads; defaults to the cores available. */
  size?: number;
  heapMb?: number;
}

/**
 * Bytes that live elsewhere: a hub file held in memory (small files outside LFS) or behind a URL
 * read with Range requests (LFS). `modelvet worker` scans hub files this way, off its main thread,
 * so its queue lock keeps being renewed while a file is scanned.
 */
export interface RemoteTarget {
  /** The name shown in the report. */
  path: string;
  bytes?: Uint8Array;
  url?: string;
  /** Sent only to `credentialOrigin` (HttpSource never forwards it across origins). */
  authorization?: string;
  credentialOrigin?: string;
  http?: Partial<HttpLimits>;
  /** The size the hub announced; a different size on the CDN is an io-error, not a verdict. */
  expectedSize?: number;
}

/** What a worker is asked to scan: one file entry of a walk (with the folder it was found under), or a remote file. */
export type PoolJob = { entry: Entry } | { remote: RemoteTarget };

/** The name a job's report carries. */
function jobPath(job: PoolJob): string {
  return "entry" in job ? job.entry.path : job.remote.path;
}

/** Bytes of a local file job as the walk saw them; remote jobs are never batched. */
function jobFileSize(job: PoolJob): number | undefined {
  return "entry" in job && job.entry.kind === "file" ? job.entry.size : undefined;
}

/** One message to a worker: the files it scans, in order. */
export interface PoolBatch {
  jobs: PoolJob[];
}

interface Slot {
  worker: Worker;
  busy: boolean;
  progress: BigInt64Array;
}

interface Pending {
  job: PoolJob;
  resolve: (result: ScannedEntry) => void;
  /** Scanned in a batch whose worker died: now scanned alone, so a failure is its own. */
  alone?: boolean;
}

/**
 * Scans files on worker threads: in parallel across cores, and in isolation, so that a file that
 * exhausts memory or hangs in synchronous code costs its own verdict (`error`) and nothing else.
 * Small files go in batches (one message, one reply); when a worker dies in a batch, the file that
 * hung is reported and every other file of the batch is scanned again on its own.
 *
 * @example
 * const pool = new ScanPool({ policyLayers: policy.layers });
 * const report = await pool.scan({ entry: { kind: "file", path: "m.pt", absolute: "/m.pt" }, root: "/" });
 * await pool.close();
 */
export class ScanPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private workers: number;
  private readonly hardMillis: number;
  private closed = false;
  private pumpScheduled = false;

  constructor(private readonly options: ScanPoolOptions) {
    this.workers = Math.max(1, options.size ?? availableParallelism());
    this.hardMillis = resolveLimits(options.limits).maxMillisPerFile + HARD_TIMEOUT_GRACE_MS;
  }

  /** Worker threads it runs at most. */
  get size(): number {
    return this.workers;
  }

  /**
   * Starts up to `count` of its workers now, before there is work: a worker spends its first
   * ~80 ms loading the scanner, which a folder scan can overlap with walking the folder.
   */
  prewarm(count = this.workers): void {
    while (!this.closed && this.slots.length < Math.min(count, this.workers)) this.slots.push(this.spawn());
  }

  /** Runs at most `count` workers from now on (a folder turned out to hold fewer files than there are cores); idle extra workers stop. */
  limitTo(count: number): void {
    this.workers = Math.max(1, Math.min(this.workers, count));
    for (const slot of this.slots.filter((s) => !s.busy).slice(0, Math.max(0, this.slots.length - this.workers))) {
      void slot.worker.terminate();
      this.slots.splice(this.slots.indexOf(slot), 1);
    }
  }

  scan(job: PoolJob): Promise<ScannedEntry> {
    if (this.closed) return Promise.reject(new Error("Scan pool is closed"));
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      // After the caller's synchronous burst of scan() calls: the first batches are then full.
      if (!this.pumpScheduled) {
        this.pumpScheduled = true;
        queueMicrotask(() => {
          this.pumpScheduled = false;
          if (!this.closed) this.pump();
        });
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.workers) {
        slot = this.spawn();
        this.slots.push(slot);
      }
      if (!slot) return;
      this.run(slot, this.nextBatch());
    }
  }

  /**
   * The next files for one worker: small ones together, up to an equal share of what is queued
   * (so the last files of a folder still spread over every worker).
   */
  private nextBatch(): Pending[] {
    const first = this.queue.shift() as Pending;
    const batch = [first];
    if (first.alone || !batchable(first)) return batch;
    const share = Math.min(MAX_BATCH_FILES, Math.ceil((this.queue.length + 1) / this.workers));
    let bytes = jobFileSize(first.job) ?? 0;
    while (batch.length < share && this.queue.length > 0) {
      const next = this.queue[0] as Pending;
      const size = jobFileSize(next.job) ?? 0;
      if (next.alone || !batchable(next) || bytes + size > MAX_BATCH_BYTES) break;
      batch.push(this.queue.shift() as Pending);
      bytes += size;
    }
    return batch;
  }

  private spawn(): Slot {
    const heap = this.options.heapMb ?? WORKER_HEAP_MB;
    const config = { policyLayers: this.options.policyLayers, limits: this.options.limits };
    // The worker the bin started before the CLI loaded, if any (scan-worker-spawn.ts).
    const { worker, progress } = takeEarlyWorker(heap, config) ?? spawnScanWorker(heap, config);
    return { worker, busy: false, progress };
  }

  private run(slot: Slot, batch: Pending[]): void {
    slot.busy = true;
    const { worker, progress } = slot;
    const startedBefore = Atomics.load(progress, 1);
    let seen = startedBefore;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (results: ScannedEntry[] | undefined, failure: ScannedEntry | undefined, replace: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      if (replace) {
        void worker.terminate();
        const index = this.slots.indexOf(slot);
        if (index >= 0) this.slots.splice(index, 1);
      } else {
        slot.busy = false;
        worker.unref(); // an idle worker must not keep the process alive
      }
      if (results !== undefined) batch.forEach((pending, i) => pending.resolve(results[i] ?? lost(pending)));
      else this.retryAlone(batch, failure, Number(Atomics.load(progress, 1) - startedBefore) - 1);
      if (!this.closed) this.pump();
    };
    const onMessage = (results: ScannedEntry[]): void => finish(results, undefined, false);
    const onError = (error: Error & { code?: string }): void => {
      const oom = error.code === "ERR_WORKER_OUT_OF_MEMORY";
      const message = oom
        ? `Scanning needed more than ${this.options.heapMb ?? WORKER_HEAP_MB} MB of memory and was stopped; not fully scanned (limit WORKER_HEAP_MB)`
        : `Scanner failed: ${error.message}`;
      // Which file of a batch ran out of memory is not known: each is scanned again alone.
      finish(undefined, failedAs(oom ? "limit-exceeded" : "internal-error", message), true);
    };
    const onExit = (code: number): void => finish(undefined, failedAs("internal-error", `Scanner thread exited (code ${code}) before reporting`), true);
    // The hard limit is per file: each time it runs out, a worker that has moved on to another file
    // gets the full limit for that one; one still on the same file is stopped.
    const check = (): void => {
      const started = Atomics.load(progress, 1);
      if (started !== seen) {
        seen = started;
        timer = setTimeout(check, Math.max(0, Number(Atomics.load(progress, 0)) + this.hardMillis - Date.now()));
        return;
      }
      finish(undefined, failedAs("timeout", `Scan did not finish within ${this.hardMillis} ms and was stopped; not fully scanned (limit maxMillisPerFile)`), true);
    };
    timer = setTimeout(check, this.hardMillis);
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.ref();
    const message: PoolBatch = { jobs: batch.map((p) => p.job) };
    worker.postMessage(message);
  }

  /**
   * A worker died in a batch. A lone file gets the failure as its verdict. In a batch, the file it
   * died on gets it when that is known (a timeout: the file it was on); every other file, and all
   * of them when it is not known (memory, a crash), are queued again to be scanned alone.
   */
  private retryAlone(batch: Pending[], failure: ScannedEntry | undefined, current: number): void {
    const reason = failure ?? failedAs("internal-error", "Scanner thread failed");
    if (batch.length === 1) {
      const only = batch[0] as Pending;
      only.resolve(withPath(reason, jobPath(only.job)));
      return;
    }
    const known = reason.report.errors[0]?.code === "timeout" && current >= 0 && current < batch.length ? current : -1;
    const again: Pending[] = [];
    batch.forEach((pending, i) => {
      if (i === known) pending.resolve(withPath(reason, jobPath(pending.job)));
      else again.push({ ...pending, alone: true });
    });
    this.queue.unshift(...again);
  }
}

function batchable(pending: Pending): boolean {
  const size = jobFileSize(pending.job);
  return size !== undefined && size <= BATCH_FILE_BYTES;
}

function lost(pending: Pending): ScannedEntry {
  return failed(jobPath(pending.job), "internal-error", "Scanner thread sent no report for this file");
}

function failedAs(code: string, message: string): ScannedEntry {
  return failed("", code, message);
}

function withPath(result: ScannedEntry, path: string): ScannedEntry {
  return { report: { ...result.report, path }, sources: result.sources };
}

function failed(path: string, code: string, message: string): ScannedEntry {
  const errors = [{ code, message, location: {} }];
  const report: FileReport = { path, verdict: verdictOf([], errors), formats: [], findings: [], errors, notes: [] };
  return { report, sources: [] };
}
