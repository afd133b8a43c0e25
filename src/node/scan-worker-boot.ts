// The script of ScanPool's worker threads. Each worker starts from scratch: loading the scanner as
// ~100 ES modules cost a worker ~80 ms, which a lone large file or a folder paid before its first
// byte (issue 14). The build bundles scan-worker.ts and its code into one file with a V8 code
// cache (bundle-loader.ts says why and how it is trusted); without the bundle, or with
// MODELVET_NO_BUNDLE set, the worker loads the ES modules. A worker started early, before its
// pool existed (scan-worker-spawn.ts), gets its policy as its first message.
import { fileURLToPath } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import { loadBundle } from "./bundle-loader.js";

type WorkerModule = typeof import("./scan-worker.js");
type WorkerData = Parameters<WorkerModule["startScanWorker"]>[1];

const bundle =
  process.env.MODELVET_NO_BUNDLE === undefined ? loadBundle(fileURLToPath(new URL("./scan-worker-bundle.cjs", import.meta.url))) : undefined;
const { startScanWorker } = (bundle?.exports as WorkerModule | undefined) ?? (await import("./scan-worker.js"));
const port = parentPort;
if (port) {
  const data = workerData as WorkerData | Pick<WorkerData, "progress">;
  if ("policyLayers" in data) startScanWorker(port, data);
  else port.once("message", (config: Omit<WorkerData, "progress">) => startScanWorker(port, { ...config, progress: data.progress }));
}
