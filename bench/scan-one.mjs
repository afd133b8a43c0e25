// Scans one file in this process and prints timing, bytes read and peak RSS as JSON.
import { FileSource } from "../dist/node/file-source.js";
import { scanSource } from "../dist/engine/scan.js";

const path = process.argv[2];
const source = await FileSource.open(path);
const started = performance.now();
const cpuBefore = process.cpuUsage();
const report = await scanSource(source, { path });
const millis = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
await source.close();
console.log(JSON.stringify({
  path,
  verdict: report.verdict,
  errors: report.errors.map((e) => e.message),
  size: source.size,
  bytesRead: source.stats.bytesRead,
  millis: Math.round(millis * 10) / 10,
  // CPU time is steadier than wall time on a busy machine.
  cpuMillis: Math.round((cpu.user + cpu.system) / 100) / 10,
  maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
}));
