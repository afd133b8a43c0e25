import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { verdictOf, type FileReport } from "../core/finding.js";
import type { Limits } from "../core/limits.js";
import { resolveLimits } from "../core/limits.js";
import type { PolicyData } from "../policy/policy.js";
import type { Entry, ScannedEntry } from "./scan-paths.js";

/**
 * Heap a worker may use before it is stopped (CWE-400): the engine's own budgets keep ordinary
 * scans far below it; an input that gets past them ends as an error report for that file, not as
 * an out-of-memory abort of the whole run.
 */
export const WORKER_HEAP_MB = 768;
/**
 * Young generation of a worker. Scans make many short-lived values (a pickle VM's tuples and
 * strings) that die young; a larger young generation only holds more garbage between collections:
 * scanning a list of a million small tuples peaked at 186-190 MB RSS with 64 MB, 155-162 MB with
 * 32 MB and 142 MB with 24 MB (16 MB: the same RSS, more collections). bench/pickle-throughput.mjs,
 * issue 14.
 */
export const WORKER_YOUNG_MB = 24;
/**
 * Time past `maxMillisPerFile` after which a worker is terminated (CWE-400). The engine checks its
 * deadline itself; this catches synchronous work it cannot interrupt (a third-party parser).
 */
export const HARD_TIMEOUT_GRACE_MS = 5_000;

const WORKER_SCRIPT = new URL("./scan-worker.js", import.meta.url);

/**
 * Whether worker threads can be used: the compiled worker script sits beside this module. Running
 * from TypeScript sources (the test runner) there is none, and callers scan in-process.
 */
export const POOL_AVAILABLE: boolean = existsSync(fileURLToPath(WORKER_SCRIPT));

export interface ScanPoolOptions {
  policyLayers: readonly PolicyData[];
  limits?: Partial<Limits>;
  /** Worker threads; defaults to the cores available. */
  size?: number;
  heapMb?: number;
}

/** What a worker is asked to scan: one file entry of a walk (with the folder it was found under). */
export interface PoolJob {
  entry: Entry;
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

interface Pending {
  job: PoolJob;
  resolve: (result: ScannedEntry) => void;
}

/**
 * Scans files on worker threads: in parallel across cores, and in isolation, so that a file that
 * exhausts memory or hangs in synchronous code costs its own verdict (`error`) and nothing else.
 *
 * @example
 * const pool = new ScanPool({ policyLayers: policy.layers });
 * const report = await pool.scan({ entry: { kind: "file", path: "m.pt", absolute: "/m.pt" }, root: "/" });
 * await pool.close();
 */
export class ScanPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly size: number;
  private readonly hardMillis: number;
  private closed = false;

  constructor(private readonly options: ScanPoolOptions) {
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.hardMillis = resolveLimits(options.limits).maxMillisPerFile + HARD_TIMEOUT_GRACE_MS;
  }

  scan(job: PoolJob): Promise<ScannedEntry> {
    if (this.closed) return Promise.reject(new Error("Scan pool is closed"));
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      this.pump();
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
      if (!slot && this.slots.length < this.size) {
        slot = { worker: this.spawn(), busy: false };
        this.slots.push(slot);
      }
      if (!slot) return;
      this.run(slot, this.queue.shift() as Pending);
    }
  }

  private spawn(): Worker {
    const heap = this.options.heapMb ?? WORKER_HEAP_MB;
    const worker = new Worker(WORKER_SCRIPT, {
      workerData: { policyLayers: this.options.policyLayers, limits: this.options.limits },
      resourceLimits: { maxOldGenerationSizeMb: heap, maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    return worker;
  }

  private run(slot: Slot, pending: Pending): void {
    slot.busy = true;
    const { worker } = slot;
    const { job } = pending;
    let settled = false;
    const finish = (result: ScannedEntry, replace: boolean): void => {
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
      pending.resolve(result);
      if (!this.closed) this.pump();
    };
    const onMessage = (result: ScannedEntry): void => finish(result, false);
    const onError = (error: Error & { code?: string }): void => {
      const oom = error.code === "ERR_WORKER_OUT_OF_MEMORY";
      const message = oom
        ? `Scanning needed more than ${this.options.heapMb ?? WORKER_HEAP_MB} MB of memory and was stopped; not fully scanned (limit WORKER_HEAP_MB)`
        : `Scanner failed: ${error.message}`;
      finish(failed(job.entry.path, oom ? "limit-exceeded" : "internal-error", message), true);
    };
    const onExit = (code: number): void => finish(failed(job.entry.path, "internal-error", `Scanner thread exited (code ${code}) before reporting`), true);
    const timer = setTimeout(() => {
      finish(failed(job.entry.path, "timeout", `Scan did not finish within ${this.hardMillis} ms and was stopped; not fully scanned (limit maxMillisPerFile)`), true);
    }, this.hardMillis);
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.ref();
    worker.postMessage(job);
  }
}

function failed(path: string, code: string, message: string): ScannedEntry {
  const errors = [{ code, message, location: {} }];
  const report: FileReport = { path, verdict: verdictOf([], errors), formats: [], findings: [], errors, notes: [] };
  return { report, sources: [] };
}
