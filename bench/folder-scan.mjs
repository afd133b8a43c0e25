// One folder scan through the library, for bench/folders.mjs: node bench/folder-scan.mjs DIR MODE
// MODE: a number of worker threads, or "inproc" (no workers). Prints the summary as JSON.
import { scanPaths } from "../dist/node/scan-paths.js";

const [dir, mode = "pool"] = process.argv.slice(2);
const options = mode === "inproc" ? { isolate: false } : mode === "pool" ? {} : { workers: Number(mode) };
const report = await scanPaths([dir], options);
console.log(JSON.stringify(report.summary));
