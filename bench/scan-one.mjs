// Scans one file in this process and prints timing, bytes read and peak RSS as JSON.
import { FileSource } from "../dist/node/file-source.js";
import { scanSource } from "../dist/engine/scan.js";

const path = process.argv[2];
const source = await FileSource.open(path);
const started = performance.now();
const report = await scanSource(source, { path });
const millis = performance.now() - started;
await source.close();
console.log(JSON.stringify({
  path,
  verdict: report.verdict,
  errors: report.errors.map((e) => e.message),
  size: source.size,
  bytesRead: source.stats.bytesRead,
  millis: Math.round(millis * 10) / 10,
  maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
}));
