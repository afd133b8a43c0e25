// npm run bench: speed and memory goals live here, never in timed tests.
// Goals (issue 2): >= 200 MB/s on opcode-dense pickles; RSS < 150 MB whatever the size;
// 1 GiB payload pickles read in a few MiB; a 200-file folder in < 1 s, whole process.
import { execFileSync } from "node:child_process";
import { prepare } from "./generate.mjs";

const node = process.execPath;
const bin = new URL("../dist/cli/bin.js", import.meta.url).pathname;
const one = new URL("./scan-one.mjs", import.meta.url).pathname;
const files = prepare();
const rows = [];

function scanOne(label, path) {
  const result = JSON.parse(execFileSync(node, [one, path], { encoding: "utf8" }));
  const mbps = result.size / 1024 / 1024 / (result.millis / 1000);
  rows.push({ bench: label, size_MB: +(result.size / 1024 / 1024).toFixed(1), ms: result.millis, MB_per_s: +mbps.toFixed(1), read_MB: +(result.bytesRead / 1024 / 1024).toFixed(2), rss_MB: result.maxRssMB, verdict: result.verdict, errors: result.errors.join("; ") });
}

function wholeProcess(label, args, count) {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    try {
      execFileSync(node, [bin, "scan", ...args, "--format", "json", "--quiet"], { stdio: "pipe" });
    } catch {
      // exit code 1 = findings (the folder holds malicious samples on purpose)
    }
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  const median = runs[2];
  rows.push({ bench: label, files: count, ms: Math.round(median), ms_per_file: +(median / count).toFixed(2) });
}

scanOne("opcode-dense pickle (list of tuples)", files.dense);
scanOne("pickle with 1 GiB numpy payload", files.big);
wholeProcess("folder of 200 small pickles (whole process, median of 5)", [files.dir], 200);
console.table(rows);
