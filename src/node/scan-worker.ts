// Worker thread of ScanPool: rebuilds the policy once, then scans each batch of jobs it is sent
// (files of a walk, or hub files) and replies with their results in one message. The thread's
// script is scan-worker-boot.ts, which loads this module bundled when the build made the bundle.
import type { MessagePort } from "node:worker_threads";
import { MemorySource, type ByteSource } from "../core/byte-source.js";
import { verdictOf, type FileReport } from "../core/finding.js";
import type { Limits } from "../core/limits.js";
import { scanSource } from "../engine/scan.js";
import { createPolicy, type Policy, type PolicyData } from "../policy/policy.js";
import type { HttpSource } from "../web/http-source.js";
import type { PoolBatch, PoolJob, RemoteTarget } from "./scan-pool.js";
import { scanEntry, type ScannedEntry } from "./scan-paths.js";

/** What ScanPool hands each worker (workerData). */
export interface ScanWorkerData {
  policyLayers: PolicyData[];
  limits?: Partial<Limits>;
  progress: BigInt64Array;
}

/** Serves batches sent on `port` (the worker's parentPort): one reply message per batch. */
export function startScanWorker(port: MessagePort, workerData: ScanWorkerData): void {
  const data = workerData;
  const policy = createPolicy(data.policyLayers);
  port.on("message", (batch: PoolBatch) => {
    void scanBatch(batch, data, policy).then((results) => port.postMessage(results));
  });
}

async function scanBatch({ jobs }: PoolBatch, data: ScanWorkerData, policy: Policy): Promise<ScannedEntry[]> {
  const results: ScannedEntry[] = [];
  for (const job of jobs) {
    // Read by the pool's hard time limit, without a message: when this file started, and that it did.
    Atomics.store(data.progress, 0, BigInt(Date.now()));
    Atomics.add(data.progress, 1, 1n);
    results.push(await scanJob(job, data, policy));
  }
  return results;
}

function scanJob(job: PoolJob, data: ScanWorkerData, policy: Policy): Promise<ScannedEntry> {
  if ("remote" in job) return scanRemote(job.remote, data, policy);
  // Paths are bytes (Buffers); structured cloning hands them over as plain Uint8Arrays.
  const local = { ...job.entry, absolute: Buffer.from(job.entry.absolute), root: Buffer.from(job.entry.root) };
  return scanEntry(local, { policy, limits: data.limits });
}

/** A hub file: bytes in memory, or a URL read by ranges. An I/O failure is an `io-error` report, never a verdict on content. */
async function scanRemote(target: RemoteTarget, data: ScanWorkerData, policy: Policy): Promise<ScannedEntry> {
  let source: ByteSource;
  let http: HttpSource | undefined;
  try {
    if (target.bytes) source = new MemorySource(target.bytes);
    else if (target.url) {
      // Loaded here, not at start: a worker scanning local files (the usual case) never needs it.
      const { HttpSource } = await import("../web/http-source.js");
      http = await HttpSource.open(target.url, { authorization: target.authorization, credentialOrigin: target.credentialOrigin, limits: target.http });
      source = http;
    } else return ioError(target.path, "Nothing to scan: neither bytes nor a URL");
  } catch (error) {
    return ioError(target.path, `Cannot read ${target.path}: ${(error as Error).message}`);
  }
  if (target.expectedSize !== undefined && source.size !== target.expectedSize) {
    return ioError(target.path, `The upstream said ${target.expectedSize} bytes, the CDN holds ${source.size}`);
  }
  const report = await scanSource(source, { path: target.path, policy, limits: data.limits });
  if (http) report.bytesFetched = http.stats.bytesFetched;
  return { report, sources: [] };
}

function ioError(path: string, message: string): ScannedEntry {
  const errors = [{ code: "io-error", message, location: {} }];
  const report: FileReport = { path, verdict: verdictOf([], errors), formats: [], findings: [], errors, notes: [] };
  return { report, sources: [] };
}
