// A crawl of a 1,000-repo stand-in hub (issue 15): node bench/crawl.mjs [--quick]
// (needs `npm run build`; loopback only, bounded in time). The stand-in runs in its own process
// (in memory, pages of 100 repos, every 50th repo with a malicious pickle); the crawl runs here,
// in three passes:
//   1. listing only: the listing and per-repo trees, jobs handed to a queue that only counts them;
//   2. full crawl, judged in this process (the embedded default, 4 scans at once);
//   3. the same hub-wide crawl again: LFS files answered from storage, small files fetched and looked up.
// Reports repos/s, files/s, total time and peak RSS of this process.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const here = new URL(".", import.meta.url).pathname;
const dist = (p) => import(pathToFileURL(join(here, "../dist", p)).href);
const quick = process.argv.includes("--quick");
const REPOS = quick ? 200 : 1000;
const DEADLINE_MS = 10 * 60_000;

const { startCrawl } = await dist("service/crawl.js");
const { InProcessQueue, judgeJob, MemoryStore } = await dist("service/crawl-memory.js");
const { Metrics } = await dist("service/metrics.js");
const { policyContextOf } = await dist("service/policy-context.js");
const { DEFAULT_GATE_LIMITS, Vetter } = await dist("service/vet.js");
await import("./standin.mjs").then((m) => m.loadSyntheticHub());

/** The stand-in in a child process, so that serving and crawling do not share one thread. */
function startStandinProcess() {
  const code = `
    const { startHubStandin } = await import(${JSON.stringify(pathToFileURL(join(here, ".data/standin/hub-standin.js")).href)});
    const { makeSyntheticHub } = await import(${JSON.stringify(pathToFileURL(join(here, ".data/standin/synthetic-hub.js")).href)});
    const synthetic = makeSyntheticHub({ repos: ${REPOS}, evilEvery: 50 });
    const hub = await startHubStandin({ memory: synthetic.repos, maxModelsPage: 100 });
    process.stdout.write(JSON.stringify({ url: hub.url, files: synthetic.files, evil: synthetic.evil.size }) + "\\n");
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve({ child, ...JSON.parse(out) });
    });
    child.on("exit", (c) => reject(new Error(`stand-in exited ${c}`)));
  });
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const timer = setTimeout(() => {
  console.error(`bench/crawl: over ${DEADLINE_MS / 1000} s, giving up`);
  process.exit(1);
}, DEADLINE_MS);

const standin = await startStandinProcess();
const policy = policyContextOf(undefined, "default policy");
const results = {};

function figures(name, state, millis) {
  results[name] = {
    repos: state.reposListed,
    filesQueued: state.filesQueued,
    filesKnown: state.filesKnown ?? 0,
    seconds: +(millis / 1000).toFixed(2),
    reposPerSecond: +(state.reposListed / (millis / 1000)).toFixed(1),
    filesPerSecond: +((state.filesQueued + (state.filesKnown ?? 0)) / (millis / 1000)).toFixed(1),
  };
  console.log(`${name}: ${JSON.stringify(results[name])}`);
}

try {
  // 1. Listing only.
  let counted = 0;
  const countingQueue = { enqueue: async (jobs) => ((counted += jobs.length), { queued: jobs.length, joined: 0 }), run: async () => { throw new Error("unused"); }, counts: async () => ({}), close: async () => {} };
  let started = performance.now();
  const listed = await startCrawl({ kind: "hub" }, { upstream: standin.url, queue: countingQueue, store: new MemoryStore(), policyDigest: policy.digest, toolVersion: "bench" });
  figures("listing only", listed, performance.now() - started);
  if (listed.reposListed !== REPOS || counted !== standin.files) throw new Error(`listed ${listed.reposListed} repos / ${counted} files, expected ${REPOS} / ${standin.files}`);

  // 2. Full crawl, judged in this process.
  const store = new MemoryStore();
  const vetter = new Vetter({ upstream: standin.url, store, metrics: new Metrics(), toolVersion: "bench", limits: DEFAULT_GATE_LIMITS });
  const queue = new InProcessQueue((job) => judgeJob(job, { vetter, store, policy }), { concurrency: 4 });
  started = performance.now();
  const crawled = await startCrawl({ kind: "hub" }, { upstream: standin.url, queue, store, policyDigest: policy.digest, toolVersion: "bench", waitForJobs: () => queue.idle(), backpressure: () => queue.waitForRoom(10_000) });
  figures("full crawl (in-process judging, 4 at once)", crawled, performance.now() - started);
  const counts = await queue.counts();
  const hits = await store.filesByRule("PKL001", { limit: 10_000 });
  results.judged = { completed: counts.completed, failed: counts.failed, pkl001Repos: new Set(hits.map((h) => h.repo)).size, evilRepos: standin.evil };
  console.log(`judged: ${JSON.stringify(results.judged)}`);
  if (counts.failed > 0 || results.judged.pkl001Repos !== standin.evil) throw new Error("the crawl missed files or malicious repos");

  // 3. Again: LFS digests answered from storage.
  started = performance.now();
  const again = await startCrawl({ kind: "hub" }, { upstream: standin.url, queue, store, policyDigest: policy.digest, toolVersion: "bench", waitForJobs: () => queue.idle() });
  figures("re-crawl (LFS verdicts from storage)", again, performance.now() - started);
  results.peakRssMiB = Math.round(peakRss / 1024 / 1024);
  console.log(`peak RSS of the crawling process: ${results.peakRssMiB} MiB`);
} finally {
  clearInterval(sampler);
  clearTimeout(timer);
  standin.child.kill();
}
