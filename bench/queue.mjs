// The queue (issue 15): node bench/queue.mjs [--files N] [--seconds S] [--concurrency C]
// (needs `npm run build` and redis-server; loopback only, bounded in time)
// 1. Throughput: N small files (default 10,000; each its own digest) enqueued at once, as a crawl
//    does, through 1 and then 2 `modelvet worker` processes; files per second and the ratio.
// 2. Queue latency: jobs sent one after another, as pulls are (queue.run), with the workers idle;
//    p50/p99 of the whole wait and of the time a job sat in Redis before a worker took it.
// The upstream is the hub stand-in; the store is one SQLite file (WAL) shared by the processes.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Queue } from "bullmq";
import { loadStandin } from "./standin.mjs";

const here = new URL(".", import.meta.url).pathname;
const bin = join(here, "../dist/cli/bin.js");
const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const FILES = arg("--files", 10_000);
const SECONDS = arg("--seconds", 900);
const CONCURRENCY = arg("--concurrency", 1);
const PACED = Math.min(300, FILES);
/** Files per stand-in repo: the stand-in lists a repo on every request, so small repos keep it from being the bottleneck. */
const PER_REPO = 10;
const deadline = Date.now() + SECONDS * 1000;

const { BullQueue } = await import(pathToFileURL(join(here, "../dist/service/queue-bullmq.js")).href);
const { policyDigestOf } = await import(pathToFileURL(join(here, "../dist/service/policy-book.js")).href);
const { VERSION } = await import(pathToFileURL(join(here, "../dist/node/scan-paths.js")).href);
const { startHubStandin } = await loadStandin();
const { startRedis } = await loadRedis();

const root = mkdtempSync(join(tmpdir(), "modelvet-bench-queue-"));
const hubRoot = join(root, "hub");
/** Small pickles outside LFS (no LFS extension, a few dozen bytes): each a distinct digest, scanned by the pickle VM. */
function makeHub(count, prefix) {
  const files = [];
  for (let i = 0; i < count; i++) {
    const repo = `${prefix}/r${Math.floor(i / PER_REPO)}`;
    const path = `f${i}.dat`;
    mkdirSync(join(hubRoot, repo), { recursive: true });
    writeFileSync(join(hubRoot, repo, path), `(lp0\nI${i}\naS'${prefix}'\np1\na.`);
    files.push({ repo, path });
  }
  return files;
}
const bulk1 = makeHub(FILES, "one");
const bulk2 = makeHub(FILES, "two");
const pacedFiles = makeHub(PACED, "paced");
const hub = await startHubStandin({ root: hubRoot });
const redis = await startRedis();
const policyDigest = policyDigestOf(undefined);
const commits = new Map();
const jobOf = async ({ repo, path }, origin) => {
  if (!commits.has(repo)) commits.set(repo, await hub.commitOf(repo));
  return { repo, revision: commits.get(repo), path, policyDigest, origin };
};

function startWorker(db, name) {
  const child = spawn(process.execPath, [bin, "worker", "--queue", redis.url, "--queue-name", name, "--db", db, "--upstream", hub.url, "--concurrency", String(CONCURRENCY)], { stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
      if (/ready:/.test(err)) {
        child.stderr.resume();
        resolve(child);
      }
      if (err.length > 1e5) err = err.slice(-1e4);
    });
    child.on("exit", (code) => reject(new Error(`worker exited ${code}: ${err.slice(-2000)}`)));
  });
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function finishedJobs(name) {
  const raw = new Queue(name, { connection: { url: redis.url } });
  const jobs = await raw.getJobs(["completed"], 0, -1);
  await raw.close();
  return jobs;
}

/** N jobs at once through `workers` worker processes; files per second from the first enqueue to the last finish. */
async function throughput(workers, files, label) {
  const name = `bench-${label}`;
  const db = join(root, `${label}.db`);
  const procs = await Promise.all(Array.from({ length: workers }, () => startWorker(db, name)));
  const queue = BullQueue.open({ url: redis.url, toolVersion: VERSION, name });
  await queue.ready(10_000);
  const jobs = await Promise.all(files.map((f) => jobOf(f, "crawl:bench")));
  const started = Date.now();
  for (let i = 0; i < jobs.length; i += 1000) await queue.enqueue(jobs.slice(i, i + 1000));
  let counts = await queue.counts();
  while (counts.completed + counts.failed < files.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    counts = await queue.counts();
  }
  const finished = await finishedJobs(name);
  const last = Math.max(...finished.map((j) => j.finishedOn));
  const seconds = (last - started) / 1000;
  const waits = finished.map((j) => j.processedOn - j.timestamp);
  for (const p of procs) p.kill("SIGTERM");
  await queue.close();
  return { workers, files: files.length, completed: counts.completed, failed: counts.failed, seconds: +seconds.toFixed(1), files_per_s: +(counts.completed / seconds).toFixed(1), wait_p50_ms: percentile(waits, 50), wait_p99_ms: percentile(waits, 99), timed_out: counts.completed + counts.failed < files.length };
}

/** Jobs one at a time (a pull waits on each), two idle workers: latency without a backlog. */
async function latency(files) {
  const name = "bench-paced";
  const db = join(root, "paced.db");
  const procs = await Promise.all([startWorker(db, name), startWorker(db, name)]);
  const queue = BullQueue.open({ url: redis.url, toolVersion: VERSION, name });
  await queue.ready(10_000);
  const totals = [];
  for (const f of files) {
    if (Date.now() > deadline) break;
    const t0 = performance.now();
    await queue.run(await jobOf(f, "gate"), 60_000);
    totals.push(performance.now() - t0);
  }
  const waits = (await finishedJobs(name)).map((j) => j.processedOn - j.timestamp);
  for (const p of procs) p.kill("SIGTERM");
  await queue.close();
  return { jobs: totals.length, total_p50_ms: +percentile(totals, 50).toFixed(1), total_p99_ms: +percentile(totals, 99).toFixed(1), wait_p50_ms: percentile(waits, 50), wait_p99_ms: percentile(waits, 99) };
}

async function loadRedis() {
  const out = join(here, ".data/redis");
  const tsc = join(here, "../node_modules/typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, join(here, "../src/test-support/redis-server.ts"), "--outDir", out, "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--skipLibCheck", "--types", "node"], { stdio: "inherit" });
  return import(pathToFileURL(join(out, "redis-server.js")).href);
}

try {
  const one = await throughput(1, bulk1, "w1");
  console.log(JSON.stringify(one));
  const two = await throughput(2, bulk2, "w2");
  console.log(JSON.stringify(two));
  const paced = await latency(pacedFiles);
  console.log(JSON.stringify(paced));
  console.table([one, two]);
  console.table([paced]);
  console.log(`throughput ratio 2 workers / 1 worker: ${(two.files_per_s / one.files_per_s).toFixed(2)} (concurrency ${CONCURRENCY} per worker, ${FILES} files)`);
} finally {
  await hub.close();
  await redis.close();
  rmSync(root, { recursive: true, force: true });
}
