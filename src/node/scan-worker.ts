// Worker thread of ScanPool: rebuilds the policy once, then scans one file per message.
import { parentPort, workerData } from "node:worker_threads";
import type { Limits } from "../core/limits.js";
import { createPolicy, type PolicyData } from "../policy/policy.js";
import type { PoolJob } from "./scan-pool.js";
import { scanEntry } from "./scan-paths.js";

const data = workerData as { policyLayers: PolicyData[]; limits?: Partial<Limits> };
const policy = createPolicy(data.policyLayers);

parentPort?.on("message", ({ entry }: PoolJob) => {
  // Paths are bytes (Buffers); structured cloning hands them over as plain Uint8Arrays.
  const local = { ...entry, absolute: Buffer.from(entry.absolute), root: Buffer.from(entry.root) };
  void scanEntry(local, { policy, limits: data.limits }).then((report) => parentPort?.postMessage(report));
});
