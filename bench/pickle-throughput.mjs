// npm run bench:pickle: memo-heavy and string-heavy pickles (issue 14). Goal: >= 200 MB/s end to
// end with peak RSS < 150 MB for the three cases of the issue (a tokenizer vocabulary, a dict of a
// million short keys, a list of a million small tuples). Inputs are made by CPython (pickle.dump,
// protocols 4 and 2) into the temp directory, once, when /usr/bin/python3 exists; otherwise the
// bench says so and skips them. The protocol 4 tuple lists are written by generate.mjs instead,
// the same bytes without Python. The opcode-dense list of bench/run.mjs (made in JS) is measured too,
// so that a change for strings is seen not to slow the opcode mix down.
//
// Each input is measured best of RUNS (3):
// - end to end: `node dist/cli/bin.js scan FILE` as a user runs it; /usr/bin/time gives the wall,
//   the CPU and the peak RSS of the whole process (start-up, worker, output included). The first
//   row, a tiny pickle, is the start-up cost alone, so end-to-end rows can be read net of it.
// - in process: scanSource over a MemorySource (no file I/O) after a warm-up scan of a tiny pickle,
//   so start-up and first-use module loading are left out; its peak RSS includes the input.
// The machine may be shared: CPU time is steadier than wall, so MB/s are given for both.
// MODELVET_DIST=/path/to/dist measures another build (before/after comparisons); only: names of
// inputs as arguments (`node bench/pickle-throughput.mjs vocab-p4 dense`).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DATA, denseListPickle, tuplesListPickle } from "./generate.mjs";

const python = "/usr/bin/python3";
const node = process.execPath;
const dist = resolve(process.env.MODELVET_DIST ?? new URL("../dist", import.meta.url).pathname);
const bin = join(dist, "cli/bin.js");
const self = new URL(import.meta.url).pathname;
const dir = process.env.MODELVET_BENCH_DIR ?? tmpdir();
const RUNS = Number(process.env.RUNS ?? 3);
const GOAL_MB_S = 200;
const GOAL_RSS_MB = 150;

// Python sources of the inputs: a tokenizer-like vocabulary (6 M short str keys, 2 M merge strings),
// a dict of a million short keys, a list of a million small tuples.
const inputs = {
  "vocab-p4": `v={}\nimport random\nrandom.seed(1)\nwhile len(v)<6000000:\n  s=''.join(random.choice('abcdefghijklmnopqrstuvwxyz\\u0120') for _ in range(random.randint(2,12)))\n  v.setdefault(s,len(v))\npickle.dump({'vocab':v,'merges':[k+' '+k for k in list(v)[:2000000]]},f,protocol=4)`,
  "vocab-p2": `v={}\nimport random\nrandom.seed(1)\nwhile len(v)<6000000:\n  s=''.join(random.choice('abcdefghijklmnopqrstuvwxyz\\u0120') for _ in range(random.randint(2,12)))\n  v.setdefault(s,len(v))\npickle.dump({'vocab':v},f,protocol=2)`,
  "dict-p4": `pickle.dump({('k%07d'%i):i for i in range(1000000)},f,protocol=4)`,
  "dict-p2": `pickle.dump({('k%07d'%i):i for i in range(1000000)},f,protocol=2)`,
  "tuples-p4": `pickle.dump([(i,i*2,'x') for i in range(1000000)],f,protocol=4)`,
  "tuples-p2": `pickle.dump([(i,i*2,'x') for i in range(1000000)],f,protocol=2)`,
  // Ten times larger: a million keys or tuples is 14-16 MB, which the start-up (~75 ms) dominates
  // end to end; at the vocabulary's scale the end-to-end figure measures the scan.
  "dict10m-p4": `pickle.dump({('k%08d'%i):i for i in range(10000000)},f,protocol=4)`,
  "tuples10m-p4": `pickle.dump([(i,i*2,'x') for i in range(10000000)],f,protocol=4)`,
};

if (process.argv[2] === "--in-process") {
  const { MemorySource } = await import(pathToFileURL(join(dist, "core/byte-source.js")).href);
  const { scanSource } = await import(pathToFileURL(join(dist, "engine/scan.js")).href);
  const path = process.argv[3];
  const source = new MemorySource(new Uint8Array(readFileSync(path)));
  // A tiny pickle first: modules the engine loads on first use are start-up, not throughput.
  await scanSource(new MemorySource(new Uint8Array([0x80, 4, 0x4b, 1, 0x2e])), { path: "warm.pkl" });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await scanSource(source, { path });
  const millis = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  console.log(JSON.stringify({ verdict: report.verdict, millis, cpuMillis: (cpu.user + cpu.system) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

function ensure(name) {
  if (name === "dense") {
    mkdirSync(DATA, { recursive: true });
    return denseListPickle(join(DATA, "dense-100mb.pkl"), 100 * 1024 * 1024);
  }
  const path = join(dir, `modelvet-bench-${name}.pkl`);
  if (existsSync(path)) return path;
  // Made in JS, byte for byte as CPython writes them (generate.mjs): no Python needed.
  if (name === "tuples-p4") return tuplesListPickle(path, 1_000_000);
  if (name === "tuples10m-p4") return tuplesListPickle(path, 10_000_000);
  if (name === "startup") {
    writeFileSync(path, Uint8Array.from([0x80, 4, 0x7d, 0x94, 0x8c, 1, 0x61, 0x94, 0x4b, 1, 0x73, 0x2e])); // {'a': 1}
    return path;
  }
  if (!existsSync(python)) return undefined;
  execFileSync(python, ["-c", `import pickle\nwith open(${JSON.stringify(path)},'wb') as f:\n  ${inputs[name].replace(/\n/g, "\n  ")}`], { stdio: "inherit" });
  return path;
}

/** Runs `make()` RUNS times; keeps the run with the least wall time. */
function best(make) {
  let top;
  for (let i = 0; i < RUNS; i++) {
    const run = make();
    if (top === undefined || run.millis < top.millis) top = run;
  }
  return top;
}

const timeBin = "/usr/bin/time";
/** The whole CLI as a user runs it; /usr/bin/time gives the child's wall, CPU and peak RSS. */
function cliRun(path) {
  if (!existsSync(timeBin)) {
    const t = performance.now();
    const child = spawnSync(node, [bin, "scan", path, "--format", "json"], { maxBuffer: 1 << 28 });
    return { millis: performance.now() - t, cpuMillis: NaN, rssMB: NaN, status: child.status };
  }
  const child = spawnSync(timeBin, ["-f", "@@%e %U %S %M", node, bin, "scan", path, "--format", "json"], { encoding: "utf8", maxBuffer: 1 << 28 });
  const line = child.stderr.split("\n").find((l) => l.startsWith("@@")) ?? "@@NaN NaN NaN NaN";
  const [wall, user, sys, rssKB] = line.slice(2).split(" ").map(Number);
  return { millis: wall * 1000, cpuMillis: (user + sys) * 1000, rssMB: rssKB / 1024, status: child.status };
}

function inProcessRun(path) {
  const child = spawnSync(node, [self, "--in-process", path], { encoding: "utf8" });
  return JSON.parse(child.stdout);
}

const only = process.argv.slice(2);
const names = ["startup", ...Object.keys(inputs), "dense"];
const rows = [];
/** Wall of the tiny pickle's end-to-end run: the start-up every other row includes. */
let startupMillis;
const mbps = (mb, millis) => +(mb / (millis / 1000)).toFixed(0);
for (const name of names) {
  if (only.length > 0 && !only.includes(name) && name !== "startup") continue; // start-up always: the net column needs it
  const path = ensure(name);
  if (path === undefined) {
    console.log(`skipped ${name}: ${python} not found (the inputs are made by CPython's pickle)`);
    continue;
  }
  const mb = statSync(path).size / 1024 / 1024;
  const cli = best(() => cliRun(path));
  const inproc = best(() => inProcessRun(path));
  const row = {
    input: name,
    MB: +mb.toFixed(1),
    cli_ms: Math.round(cli.millis),
    cli_cpu_ms: Math.round(cli.cpuMillis),
    cli_MB_s: mbps(mb, cli.millis),
    // Net of start-up: the wall less the tiny pickle's (the first row), i.e. the scan's own rate.
    net_MB_s: startupMillis === undefined || name === "startup" ? undefined : mbps(mb, Math.max(1, cli.millis - startupMillis)),
    cli_rss_MB: Math.round(cli.rssMB),
    cli_exit: cli.status,
    inproc_ms: Math.round(inproc.millis),
    inproc_cpu_ms: Math.round(inproc.cpuMillis),
    inproc_MB_s: mbps(mb, inproc.millis),
    inproc_cpu_MB_s: mbps(mb, inproc.cpuMillis),
    inproc_rss_MB: Math.round(inproc.maxRssMB),
    verdict: inproc.verdict,
  };
  if (name !== "startup") row.goal = `${row.cli_MB_s >= GOAL_MB_S ? "MB/s ok" : "MB/s NO"}, ${row.cli_rss_MB < GOAL_RSS_MB ? "RSS ok" : "RSS NO"}`;
  rows.push(row);
  if (name === "startup") startupMillis = cli.millis;
}
console.log(`dist: ${dist}; goal end to end: >= ${GOAL_MB_S} MB/s, peak RSS < ${GOAL_RSS_MB} MB`);
console.table(rows);
