// Worker thread of ScanPool: rebuilds the policy once, then scans each batch of files it is sent
// and replies with their results in one message.
import { parentPort, workerData } from "node:worker_threads";
import type { Limits } from "../core/limits.js";
import { createPolicy, type PolicyData } from "../policy/policy.js";
import type { PoolBatch } from "./scan-pool.js";
import { scanEntry, type ScannedEntry } from "./scan-paths.js";

const data = workerData as { policyLayers: PolicyData[]; limits?: Partial<Limits>; progress: BigInt64Array };
const policy = createPolicy(data.policyLayers);

async function scanBatch({ jobs }: PoolBatch): Promise<ScannedEntry[]> {
  const results: ScannedEntry[] = [];
  for (const { entry } of jobs) {
    // Read by the pool's hard time limit, without a message: when this file started, and that it did.
    Atomics.store(data.progress, 0, BigInt(Date.now()));
    Atomics.add(data.progress, 1, 1n);
    // Paths are bytes (Buffers); structured cloning hands them over as plain Uint8Arrays.
    const local = { ...entry, absolute: Buffer.from(entry.absolute), root: Buffer.from(entry.root) };
    results.push(await scanEntry(local, { policy, limits: data.limits }));
  }
  return results;
}

parentPort?.on("message", (batch: PoolBatch) => {
  void scanBatch(batch).then((results) => parentPort?.postMessage(results));
});
