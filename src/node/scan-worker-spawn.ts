// How a scan worker thread starts, shared by ScanPool and the bin's early start. A worker spends
// ~50 ms starting (Node's own start of a thread, then the scanner's bundle) before it scans a
// byte; for one large file that was a third of the whole call, spent after the CLI's own start.
// The bin therefore starts the worker first, in parallel with loading the CLI, and the pool takes
// it over (`takeEarlyWorker`); the worker learns its policy when taken.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

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
 * Largest lone file scanned in the calling thread rather than on a worker (CWE-400): below it the
 * engine's budgets bound memory and time well under the worker's caps, and a worker would double
 * a one-file call's start-up; above it the worker's heap cap and hard time limit stay in force.
 */
export const IN_PROCESS_MAX_BYTES = 1024 * 1024;

/**
 * Whether files of these sizes (undefined: not known, as for a folder not yet walked) are scanned
 * in the calling thread: none at all, or one small file (start-up and memory of a hook's per-file
 * call). A lone large file still gets a worker, whose heap cap and hard time limit turn what the
 * engine's own budgets miss into that file's `error` instead of a crashed process. Here, beside
 * the worker's start, so that the bin can ask it before loading the scanner.
 */
export function scansInThread(sizes: readonly (number | undefined)[]): boolean {
  if (sizes.length === 0) return true;
  return sizes.length === 1 && sizes[0] !== undefined && sizes[0] <= IN_PROCESS_MAX_BYTES;
}

/** The worker's script, beside this module. */
export const WORKER_SCRIPT = new URL("./scan-worker-boot.js", import.meta.url);

/**
 * Shared with each worker (no message needed): [0] when the current file's scan started (ms since
 * the epoch), [1] how many files the worker has started. The hard time limit is per file.
 */
const PROGRESS_SLOTS = 2;

export interface SpawnedWorker {
  worker: Worker;
  progress: BigInt64Array;
  heapMb: number;
}

/** What a worker is told when it is taken over: what ScanPool otherwise passes as workerData. */
export interface WorkerConfig {
  policyLayers: readonly unknown[];
  limits?: unknown;
}

/**
 * Starts a worker thread. With `config` it starts scanning at once; without, it loads the scanner
 * and waits for its config as its first message (see takeEarlyWorker).
 */
export function spawnScanWorker(heapMb: number, config?: WorkerConfig): SpawnedWorker {
  const progress = new BigInt64Array(new SharedArrayBuffer(PROGRESS_SLOTS * BigInt64Array.BYTES_PER_ELEMENT));
  const worker = new Worker(WORKER_SCRIPT, {
    workerData: config === undefined ? { progress } : { ...config, progress },
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
    stdout: false,
    stderr: false,
  });
  // An idle worker must not keep the process alive (one never taken over included).
  worker.unref();
  return { worker, progress, heapMb };
}

// A global, not a module variable: the bin (ES modules) and the CLI's bundle each hold their own
// copy of this module.
const EARLY = Symbol.for("modelvet.earlyScanWorker");
type Holder = { [EARLY]?: SpawnedWorker & { detach: () => void } };

/** Starts one worker now, for the scan pool this process is about to make (the bin, before loading the CLI). */
export function startEarlyWorker(): void {
  const holder = globalThis as Holder;
  if (holder[EARLY] !== undefined || !existsSync(fileURLToPath(WORKER_SCRIPT))) return;
  const spawned = spawnScanWorker(WORKER_HEAP_MB);
  // Until a pool takes it, a worker that fails to start must not take the process down with an
  // unhandled 'error' (its pool would have handled it): it is dropped, and the pool starts its own.
  const drop = (): void => {
    if (holder[EARLY]?.worker === spawned.worker) delete holder[EARLY];
  };
  const detach = (): void => {
    spawned.worker.off("error", drop);
    spawned.worker.off("exit", drop);
  };
  spawned.worker.once("error", drop);
  spawned.worker.once("exit", drop);
  holder[EARLY] = { ...spawned, detach };
}

/**
 * The worker startEarlyWorker began, configured with `config`, or undefined when there is none.
 * One with another heap limit than the pool's is stopped, not used.
 */
export function takeEarlyWorker(heapMb: number, config: WorkerConfig): SpawnedWorker | undefined {
  const holder = globalThis as Holder;
  const early = holder[EARLY];
  delete holder[EARLY];
  if (early === undefined) return undefined;
  // From here on the pool handles the worker's errors, as for a worker it started itself.
  early.detach();
  if (early.heapMb !== heapMb) {
    void early.worker.terminate();
    return undefined;
  }
  early.worker.postMessage(config);
  return { worker: early.worker, progress: early.progress, heapMb: early.heapMb };
}
