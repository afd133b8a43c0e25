// Worker thread of ScanPool: rebuilds the policy once, then scans one file per message.
import { parentPort, workerData } from "node:worker_threads";
import type { Limits } from "../core/limits.js";
import { createPolicy, type PolicyData } from "../policy/policy.js";
import type { PoolJob } from "./scan-pool.js";
import { scanEntry } from "./scan-paths.js";

const data = workerData as { policyLayers: PolicyData[]; limits?: Partial<Limits> };
const policy = createPolicy(data.policyLayers);

parentPort?.on("message", (job: PoolJob) => {
  void scanEntry(job.entry, { policy, limits: data.limits }, job.root).then((report) => parentPort?.postMessage(report));
});
