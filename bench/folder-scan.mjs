// One folder scan through the library, for bench/folders.mjs: node bench/folder-scan.mjs DIR MODE
// MODE: a number of worker threads, or "inproc" (no workers), or "warm" (in-process, the folder
// scanned twice: prints the second scan's wall and CPU, the cost once the code is loaded and
// optimised). Prints the summary as JSON.
import { scanPaths } from "../dist/node/scan-paths.js";

const [dir, mode = "pool"] = process.argv.slice(2);
const options = mode === "inproc" || mode === "warm" ? { isolate: false } : mode === "pool" ? {} : { workers: Number(mode) };
if (mode === "warm") await scanPaths([dir], options);
const started = performance.now();
const cpu = process.cpuUsage();
const report = await scanPaths([dir], options);
const used = process.cpuUsage(cpu);
const warm = mode === "warm" ? { warm_wall_ms: Math.round(performance.now() - started), warm_cpu_ms: Math.round((used.user + used.system) / 1000) } : {};
console.log(JSON.stringify({ ...report.summary, ...warm }));
