import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { HashType } from "../../signing/serialization.js";
import { hashRange, NODE_HASH_NAMES, WORKER_CHUNK_BYTES, type HashJob } from "./hash-range.js";
import { HASH_WORKER_SOURCE } from "./hash-worker-source.js";

/**
 * Below this many bytes in total, hashing runs on the calling thread: starting a worker costs
 * tens of milliseconds, more than hashing a few MiB.
 */
export const INLINE_HASH_BYTES = 64 * 1024 * 1024;

/** Hashing threads at most, whatever the machine says: each holds one open file and one read buffer. */
export const MAX_HASH_WORKERS = 16;

export interface HashPoolOptions {
  hashType: HashType;
  /** Parallel hashing threads; default: the number of CPUs (at most MAX_HASH_WORKERS). */
  workers?: number;
  /** Total bytes to hash, when known, to decide between inline and worker hashing. */
  totalBytes?: number;
  /** Hash on worker threads even for small inputs (tests, benchmarks). */
  forceWorkers?: boolean;
  chunkBytes?: number;
  /** Called after each job with the bytes it read. */
  onProgress?: (bytes: number) => void;
}

/** A job that failed: which file, and the operating system's reason. */
export class HashJobError extends Error {
  readonly path: string;
  readonly code: string | undefined;
  constructor(path: string, message: string, code: string | undefined) {
    super(message);
    this.name = "HashJobError";
    this.path = path;
    this.code = code;
  }
}

/**
 * Hashes byte ranges of files in parallel and returns their hex digests in job order. At most
 * `workers` files are open at once and memory stays at one read buffer per worker. A single job
 * (one big file) is hashed on the calling thread with read-ahead, which beats one worker. The
 * first failure stops everything (verification fails fast).
 *
 * @example
 * const [digest] = await hashJobs([{ path: "model.bin", start: 0, end: -1 }], { hashType: "sha256" });
 */
export async function hashJobs(jobs: readonly HashJob[], options: HashPoolOptions): Promise<string[]> {
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), MAX_HASH_WORKERS, jobs.length));
  const small = options.totalBytes !== undefined && options.totalBytes < INLINE_HASH_BYTES;
  if (jobs.length === 0) return [];
  if (!options.forceWorkers && (small || workers === 1)) return hashInline(jobs, options);
  return hashOnWorkers(jobs, workers, options);
}

async function hashInline(jobs: readonly HashJob[], options: HashPoolOptions): Promise<string[]> {
  const digests: string[] = [];
  for (const job of jobs) {
    try {
      const { digest, bytes } = await hashRange(job, options);
      digests.push(digest);
      options.onProgress?.(bytes);
    } catch (error) {
      throw new HashJobError(job.path, (error as Error).message, (error as NodeJS.ErrnoException).code);
    }
  }
  return digests;
}

interface WorkerReply {
  id: number;
  digest?: string;
  bytes?: number;
  error?: { message: string; code?: string };
}

function hashOnWorkers(jobs: readonly HashJob[], count: number, options: HashPoolOptions): Promise<string[]> {
  const digests = new Array<string>(jobs.length);
  const algorithm = NODE_HASH_NAMES[options.hashType];
  const chunk = options.chunkBytes ?? WORKER_CHUNK_BYTES;
  const pool: Worker[] = [];
  let next = 0;
  let done = 0;
  let settled = false;

  return new Promise<string[]>((resolve, reject) => {
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      for (const worker of pool) void worker.terminate();
      if (error) reject(error);
      else resolve(digests);
    };
    const feed = (worker: Worker): void => {
      if (next >= jobs.length) return;
      const id = next++;
      const job = jobs[id] as HashJob;
      worker.postMessage({ id, path: job.path, start: job.start, end: job.end, algorithm, chunk });
    };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(HASH_WORKER_SOURCE, { eval: true });
      pool.push(worker);
      worker.on("message", (reply: WorkerReply) => {
        if (reply.error) return finish(new HashJobError((jobs[reply.id] as HashJob).path, reply.error.message, reply.error.code));
        digests[reply.id] = reply.digest as string;
        options.onProgress?.(reply.bytes ?? 0);
        if (++done === jobs.length) return finish();
        feed(worker);
      });
      worker.on("error", (error) => finish(error));
      worker.on("exit", (code) => {
        if (code !== 0) finish(new Error(`a hashing worker stopped with exit code ${code}`));
      });
      feed(worker);
    }
  });
}
