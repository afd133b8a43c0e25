// What a second thread buys on this machine (issue 14): node bench/cores.mjs   (npm run bench:cores)
//
// The pool's goal is >= 1.7x on 2 cores. Whether a machine can give that is a property of the
// machine: two vCPUs may be two hyperthreads of one core, share one cache, or be taken away by
// the host. This runs three small workloads on one worker thread, then the same work on each of
// `availableParallelism()` threads, and prints the throughput ratio (n threads doing n units
// against one thread doing one; n is the ideal). bench/folders.mjs prints it beside the pool's
// own ratios, so a pool figure can be read against what the machine gives to plain JavaScript.
//   alu   an integer loop: no memory traffic, the cores' own speed
//   alloc small objects made and dropped: the allocator and young-generation collections, as scans do
//   memory random reads and writes over 32 MB: what the cores share (caches, memory bandwidth)
// Best time of ROUNDS rounds for one thread and for all of them.
import { availableParallelism } from "node:os";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

const ROUNDS = 3;

/** One unit of each workload, ~0.2-0.5 s on one thread here. */
function work(kind) {
  let r = 0;
  if (kind === "alu") {
    let a = 1, b = 2, c = 3, d = 4;
    for (let i = 0; i < 2e8; i++) {
      a = (a + i) | 0;
      b = (b ^ i) | 0;
      c = (c + (i << 1)) | 0;
      d = (d - i) | 0;
    }
    r = a + b + c + d;
  } else if (kind === "alloc") {
    for (let i = 0; i < 1.5e7; i++) {
      const o = { a: i, b: [i, i + 1], s: "x" + (i & 1023) };
      r += o.b.length + o.s.length;
    }
  } else {
    const u = new Uint32Array(8 << 20);
    for (let k = 0; k < 6; k++) for (let i = 0; i < u.length; i += 16) r += u[Math.imul(i, 2654435761) & (u.length - 1)]++;
  }
  return r;
}

/** Wall ms from the first thread's start of work to the last one's end (threads' own start left out). */
async function run(kind, threads) {
  const spans = await Promise.all(
    Array.from({ length: threads }, () => new Promise((resolve, reject) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: kind });
      worker.once("message", resolve);
      worker.once("error", reject);
    })),
  );
  return Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start));
}

/** Throughput ratio of `threads` threads against one, per workload (best of ROUNDS). */
export async function coreScaling(threads = availableParallelism()) {
  const out = {};
  for (const kind of ["alu", "alloc", "memory"]) {
    // The best time of each, so that a round where the host took a core away does not decide.
    let one = Infinity;
    let many = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      one = Math.min(one, await run(kind, 1));
      many = Math.min(many, await run(kind, threads));
    }
    out[kind] = Number(((threads * one) / many).toFixed(2));
  }
  return { threads, ...out };
}

if (!isMainThread) {
  // Epoch-based times, comparable across threads.
  const start = performance.timeOrigin + performance.now();
  const result = work(workerData);
  parentPort.postMessage({ start, end: performance.timeOrigin + performance.now(), result });
}
else if (process.argv[1] === new URL(import.meta.url).pathname) {
  const result = await coreScaling();
  console.log(`${result.threads} threads against 1 (ideal ${result.threads}x): alu ${result.alu}x, alloc ${result.alloc}x, memory ${result.memory}x`);
}
