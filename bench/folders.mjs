// Folders, reads, and the peers in the same run (issue 14): node bench/folders.mjs   (needs `npm run build`)
//
// 1. Folders, whole processes, best of RUNS: 2,000 small pickles and state dicts, and a mixed corpus
//    (the peers' conformance samples in ../shared when present, else the fixtures). modelvet through its
//    bin (worker pool), through the library with one worker, with the pool, and in-process; picklescan
//    and modelscan on the same folder when MODELVET_PEERS points at their sources (see bench/README.md).
//    per_file_ms is (wall - the same tool's wall on a one-file folder) / files: the cost after start-up.
// 2. Read accounting for large single files (sparse: real headers, holes for the data) and a few
//    small ones: bytes and calls that reached the file against the bytes the verdict needed, defined
//    as the union of the byte ranges the engine and the parsers asked for (each byte counted once).
//    Goal: read <= 1.1x needed; a small file in one read call.
// Wall times on a shared machine move with its load; cpu_s (user + system, all threads) moves less.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { coreScaling } from "./cores.mjs";
import { denseListPickle } from "./generate.mjs";
import { writeSparseGguf, writeSparseLegacyCheckpoint, writeSparseSafetensors, writeSparseTorchZip } from "./sparse-models.mjs";

const here = new URL(".", import.meta.url).pathname;
const root = join(here, "..");
const DATA = join(here, ".data/folders");
const bin = join(root, "dist/cli/bin.js");
const driver = join(here, "folder-scan.mjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

if (!existsSync(bin)) throw new Error("Run `npm run build` first: dist/cli/bin.js is missing");
mkdirSync(DATA, { recursive: true });

// ---- peers ---------------------------------------------------------------------------------------

const peersDir = process.env.MODELVET_PEERS;
const python = process.env.MODELVET_PEERS_PYTHON ?? "python3";
const peers = [];
if (peersDir === undefined) {
  console.log("Peers skipped: set MODELVET_PEERS to a folder holding picklescan/ and modelscan/ sources (bench/README.md says how).");
} else {
  const candidates = [
    { tool: "picklescan", pythonPath: join(peersDir, "picklescan/src"), args: (p) => ["-m", "picklescan", "-p", p] },
    { tool: "modelscan", pythonPath: join(peersDir, "modelscan"), args: (p) => ["-m", "modelscan.cli", "scan", "-p", p] },
  ];
  for (const peer of candidates) {
    const probe = spawnSync(python, peer.args(join(root, "fixtures/pickle/benign/data_proto2.pkl")), { env: { ...process.env, PYTHONPATH: peer.pythonPath }, encoding: "utf8" });
    // Exit 1 is "found something" for both, and also Python's own exit on an uncaught error (a
    // missing module): a traceback tells them apart, or a peer that cannot start is timed as fast.
    if (probe.error || (probe.status !== 0 && probe.status !== 1) || /^Traceback \(most recent call last\)/m.test(probe.stderr)) {
      console.log(`Peer ${peer.tool} skipped: it does not run here (${probe.error?.message ?? (probe.stderr || "").trim().split("\n").pop()})`);
    } else {
      peers.push(peer);
    }
  }
}

// ---- timing --------------------------------------------------------------------------------------

const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** One whole process: wall, CPU (user + system of every thread) and peak RSS, from GNU time when present. */
function measure(command, args, env) {
  const started = performance.now();
  const result = TIME
    ? spawnSync(TIME, ["-f", "@@ %e %U %S %M", command, ...args], { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 28 })
    : spawnSync(command, args, { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 28 });
  const wall = (performance.now() - started) / 1000;
  const line = /@@ ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr ?? "");
  if (result.error) throw result.error;
  return { wall, cpu: line ? Number(line[2]) + Number(line[3]) : NaN, rssMB: line ? Math.round(Number(line[4]) / 1024) : NaN, status: result.status, stdout: result.stdout };
}

/** Best of `count` runs (RUNS) by wall; CPU is the smallest seen too. */
function best(command, args, env, count = RUNS) {
  const runs = Array.from({ length: count }, () => measure(command, args, env));
  const fastest = runs.reduce((a, b) => (b.wall < a.wall ? b : a));
  return { ...fastest, cpu: Math.min(...runs.map((r) => r.cpu)) };
}

// ---- folders -------------------------------------------------------------------------------------

/** Copies `sources` round robin into `dir` until it holds `count` files. */
function fill(dir, sources, count) {
  if (existsSync(dir) && readdirSync(dir).length === count) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const src = sources[i % sources.length];
    copyFileSync(src, join(dir, `f${String(i).padStart(4, "0")}-${basename(src)}`));
  }
  return dir;
}

function smallFolder(count = 2000) {
  const pickles = readdirSync(join(root, "fixtures/pickle/benign")).filter((n) => /\.(pkl|pt)$/.test(n)).map((n) => join(root, "fixtures/pickle/benign", n));
  const stateDicts = ["state_dict.pt", "state_dict_legacy.pt", "mixed_dtypes.pt", "wide_tensor.pt"].map((n) => join(root, "fixtures/torch/benign", n));
  return fill(join(DATA, `small-${count}`), [...pickles, ...stateDicts], count);
}

/**
 * Files that carry work: HEAVY_FILES links to one dense pickle of HEAVY_MB (ints, floats, short
 * strings, memoized: bench/generate.mjs). Here a worker's fixed costs (its start, its warm-up, V8's
 * background compiling and collecting for tiny files) are small against the work, so this is the
 * folder that shows what the pool's second worker adds.
 */
const HEAVY_FILES = 32;
const HEAVY_MB = 12;
function heavyFolder() {
  const dir = join(DATA, `heavy-${HEAVY_FILES}`);
  if (existsSync(dir) && readdirSync(dir).length === HEAVY_FILES) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const source = denseListPickle(join(DATA, `dense-${HEAVY_MB}m.pkl`), HEAVY_MB * MiB);
  for (let i = 0; i < HEAVY_FILES; i++) {
    const target = join(dir, `dense-${String(i).padStart(2, "0")}.pkl`);
    try {
      linkSync(source, target); // the same bytes under another name: no disk for 32 copies
    } catch {
      copyFileSync(source, target);
    }
  }
  return dir;
}

function mixedFolder() {
  const shared = [process.env.MODELVET_SHARED, join(root, "../shared"), "/work/shared"].filter(Boolean).map((p) => join(p, "conformance/peers"));
  const found = shared.find((p) => existsSync(p));
  if (found) return { dir: found, label: "mixed: peers' conformance samples (../shared)" };
  return { dir: join(root, "fixtures"), label: "mixed: fixtures/ (../shared absent)" };
}

function countFiles(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(join(dir, e.name)) : e.isFile() ? 1 : 0;
  return n;
}

function oneFileFolder() {
  return fill(join(DATA, "one-file"), [join(root, "fixtures/pickle/benign/data_proto2.pkl")], 1);
}

const cores = availableParallelism();
const tools = [
  { tool: "modelvet (bin, pool)", run: (dir) => best(process.execPath, [bin, "scan", dir, "--format", "json", "--quiet"]) },
  { tool: "modelvet (1 worker)", run: (dir) => best(process.execPath, [driver, dir, "1"]) },
  { tool: `modelvet (pool of ${cores})`, run: (dir) => best(process.execPath, [driver, dir, String(cores)]) },
  { tool: "modelvet (in-process)", run: (dir) => best(process.execPath, [driver, dir, "inproc"]) },
  // A peer takes ~4.7 s per heavy file (picklescan): one run of that folder, not RUNS.
  ...peers.map((peer) => ({ tool: peer.tool, run: (dir, heavy) => best(python, peer.args(dir), { PYTHONPATH: peer.pythonPath }, heavy ? 1 : RUNS) })),
];

// --reads-only / --folders-only: one half of the bench (the other takes minutes on a busy machine).
// --scale adds a folder of 20,000 small files (80 MB, minutes per tool): each worker's fixed cost
// (start, warm-up) is paid once per folder, so a larger folder shows the per-file cost and the
// pool's speed-up net of it; and a folder of 32 dense pickles of 12 MB (heavyFolder), where the
// work per file dwarfs those costs.
const doFolders = !process.argv.includes("--reads-only");
const doScale = process.argv.includes("--scale");
const doReads = !process.argv.includes("--folders-only");

if (doFolders) {
  // What a second thread gives plain JavaScript here, the ceiling the pool's ratios below are read against.
  const machine = await coreScaling(cores);
  console.log(`This machine, ${cores} threads against 1 (bench/cores.mjs; ideal ${cores}x): integer loop ${machine.alu}x, allocation ${machine.alloc}x, random memory ${machine.memory}x`);
  const one = oneFileFolder();
  const startup = new Map(tools.map((t) => [t.tool, t.run(one).wall]));
  const folderRows = [];
  const mixed = mixedFolder();
  const folders = [{ label: "2,000 small pickles and state dicts", dir: smallFolder() }, mixed];
  if (doScale) folders.push({ label: "20,000 small pickles and state dicts", dir: smallFolder(20_000) }, { label: `${HEAVY_FILES} dense pickles of ${HEAVY_MB} MB`, dir: heavyFolder(), heavy: true });
  for (const { label, dir, heavy = false } of folders) {
    const files = countFiles(dir);
    const walls = new Map();
    for (const t of tools) {
      const r = t.run(dir, heavy);
      walls.set(t.tool, r.wall);
      folderRows.push({
        folder: label,
        files,
        tool: t.tool,
        wall_s: +r.wall.toFixed(2),
        cpu_s: +r.cpu.toFixed(2),
        rss_MB: r.rssMB,
        per_file_ms: +((1000 * (r.wall - (startup.get(t.tool) ?? 0))) / files).toFixed(3),
      });
    }
    const speedup = walls.get("modelvet (1 worker)") / walls.get(`modelvet (pool of ${cores})`);
    const cpus = new Map(folderRows.filter((r) => r.folder === label).map((r) => [r.tool, r.cpu_s]));
    // What each more worker costs: its start and its own warm-up (loading, optimising), paid once per thread.
    const extraCpu = (cpus.get(`modelvet (pool of ${cores})`) - cpus.get("modelvet (1 worker)")) / Math.max(1, cores - 1);
    console.log(`${label}: pool of ${cores} vs 1 worker: ${speedup.toFixed(2)}x (goal >= 1.7x on 2 cores); each more worker costs ${extraCpu.toFixed(2)} s CPU`);
    // The same scan again in the same process: what a file costs once the code is loaded and optimised.
    const warm = JSON.parse(best(process.execPath, [driver, dir, "warm"]).stdout.trim().split("\n").pop());
    console.log(`${label}: in-process, second scan in the same process: ${warm.warm_wall_ms} ms wall, ${warm.warm_cpu_ms} ms CPU, ${(warm.warm_wall_ms / files).toFixed(3)} ms per file`);
  }
  console.log(`Start-up (one-file folder, wall s): ${[...startup].map(([k, v]) => `${k} ${v.toFixed(2)}`).join("; ")}`);
  console.table(folderRows);
}

// ---- read accounting -----------------------------------------------------------------------------

if (doReads) {
  const { FileSource } = await import(join(root, "dist/node/file-source.js"));
  const { scanSource } = await import(join(root, "dist/engine/scan.js"));
  const { CountingSource, ReadLog } = await import(join(root, "dist/core/read-log.js"));

  const big = join(DATA, "big");
  mkdirSync(big, { recursive: true });
  const large = [
    { label: "legacy checkpoint, 512 MiB", path: join(big, "legacy-512m.pt"), make: (p) => writeSparseLegacyCheckpoint(p, 8, 64 * MiB) },
    { label: "torch zip, 1 GiB", path: join(big, "torch-1g.pt"), make: (p) => writeSparseTorchZip(p, 16, 64 * MiB) },
    { label: "GGUF, 1 GiB, 32k vocabulary", path: join(big, "model-1g.gguf"), make: (p) => writeSparseGguf(p, GiB) },
    { label: "safetensors, 2 GiB", path: join(big, "model-2g.safetensors"), make: (p) => writeSparseSafetensors(p, 2 * GiB) },
  ];
  for (const f of large) if (!existsSync(f.path)) f.make(f.path);
  const small = [
    { label: "small pickle", path: join(root, "fixtures/pickle/benign/sklearn_random_forest_proto4.pkl") },
    { label: "small torch zip", path: join(root, "fixtures/torch/benign/state_dict.pt") },
    { label: "small GGUF", path: join(root, "fixtures/gguf/benign/llama3_template.gguf") },
  ];

  const readRows = [];
  for (const f of [...large, ...small]) {
    const physical = new ReadLog();
    const file = await FileSource.open(f.path, { log: physical });
    const counted = new CountingSource(file);
    let report;
    try {
      report = await scanSource(counted, { path: f.path });
      await file.verify();
    } finally {
      await file.close();
    }
    const needed = counted.log.distinctBytes();
    readRows.push({
      file: f.label,
      size_MB: +(file.size / MiB).toFixed(3),
      verdict: report.verdict,
      needed_KB: +(needed / 1024).toFixed(1),
      read_KB: +(physical.bytes / 1024).toFixed(1),
      read_x_needed: +(physical.bytes / needed).toFixed(3),
      read_calls: physical.calls,
      end_probes: physical.probes,
      asked_calls: counted.log.calls,
      asked_KB: +(counted.log.bytes / 1024).toFixed(1),
    });
  }
  console.log("Read accounting: read = bytes and pread calls that reached the file; needed = distinct bytes the engine and parsers asked for; asked = their requests, repeats included; end_probes = verify()'s 1-byte read past the end");
  console.table(readRows);
  const worst = Math.max(...readRows.map((r) => r.read_x_needed));
  console.log(worst <= 1.1 ? `ok: read at most ${worst}x the needed bytes` : `GOAL MISSED: ${worst}x the needed bytes`);

  // One large file, whole process: start-up dominates here.
  const singleRows = [];
  for (const f of large) {
    const row = { file: f.label, "modelvet bin wall_s": +best(process.execPath, [bin, "scan", f.path, "--format", "json"]).wall.toFixed(2) };
    for (const peer of peers) row[`${peer.tool} wall_s`] = +best(python, peer.args(f.path), { PYTHONPATH: peer.pythonPath }).wall.toFixed(2);
    singleRows.push(row);
  }
  console.table(singleRows);
  if (!process.argv.includes("--keep")) rmSync(big, { recursive: true, force: true });
}
