// How fast can JavaScript run a pickle at all on this machine? (issue 14)   npm run bench:pickle-floor
//
// The goal for a list of ten million small tuples is 200 MB/s end to end, start-up included. This
// runs two minimal interpreters over the same bytes, `[(i, i * 2, "x") for i in range(10**7)]`
// pickled with protocol 4 (133 MB, 50 M opcodes, written by generate.mjs as CPython writes it), and
// modelvet's own scan beside them. The minimal ones know five opcodes and nothing else: no limits,
// no checks of any kind, no frames, no document. What they reach is a ceiling for any pickle VM in
// JavaScript here, as bench/cores.mjs is for the pool:
//   dispatch   the opcodes walked and decoded, nothing kept: the loop's own cost
//   floor      a stack (a JS array: push, pop), tuples made, the memo's first 65,536 entries kept,
//              list items counted: the least a VM that builds values must do
//   modelvet   scanSource over the bytes in memory, after a warm-up scan (bench:pickle's
//              in-process column): the floor's work plus every limit, check and fact the rules read
// Each runs ROUNDS times, alternating (the machine's speed moves); best and median in-process
// MB/s. The last line says what in-process rate 200 MB/s end to end needs, given the bin's start-up.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tuplesListPickle } from "./generate.mjs";

const ROUNDS = Number(process.env.RUNS ?? 5);
const dist = resolve(process.env.MODELVET_DIST ?? new URL("../dist", import.meta.url).pathname);
// The bin's start-up on a tiny pickle, as bench:pickle's first row measures it: first, while this
// process is small (spawning from a process holding the 133 MB input costs more).
const bin = join(dist, "cli/bin.js");
const tiny = join(tmpdir(), "modelvet-floor-tiny.pkl");
writeFileSync(tiny, Uint8Array.from([0x80, 4, 0x4b, 1, 0x2e]));
const starts = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  spawnSync(process.execPath, [bin, "scan", tiny, "--format", "json"]);
  starts.push(performance.now() - t);
}
const startup = Math.min(...starts);
// The file bench/pickle-throughput.mjs measures as tuples10m-p4.
const path = tuplesListPickle(join(process.env.MODELVET_BENCH_DIR ?? tmpdir(), "modelvet-bench-tuples10m-p4.pkl"), 10_000_000);
const bytes = new Uint8Array(readFileSync(path));
const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const INT_MASK = [-1, 0xff, 0, 0xffff];
const INT_BYTES = [4, 1, 0, 2];

/** Walks the opcodes (their lengths), keeps nothing. */
function dispatch() {
  let p = 0;
  let ops = 0;
  let acc = 0;
  const n = bytes.length;
  while (p < n) {
    const op = bytes[p];
    ops++;
    switch (op) {
      case 0x80: p += 2; break; // PROTO
      case 0x95: p += 9; break; // FRAME
      case 0x4a: case 0x4b: case 0x4d: { const at = op - 0x4a; acc ^= view.getInt32(p + 1, true) & INT_MASK[at]; p += 1 + INT_BYTES[at]; break; }
      case 0x68: acc ^= bytes[p + 1]; p += 2; break; // BINGET
      case 0x8c: p += 2 + bytes[p + 1]; break; // SHORT_BINUNICODE
      case 0x2e: return ops + (acc & 0); // STOP
      default: p++; // EMPTY_LIST, MEMOIZE, MARK, TUPLE3, APPENDS
    }
  }
  return ops;
}

/** A stack of JS values (push, pop), tuples built, the memo's first entries kept, list items counted. */
function floor() {
  let p = 0;
  let ops = 0;
  const n = bytes.length;
  const stack = [];
  const marks = [];
  const memo = [];
  let memoCount = 0;
  while (p < n) {
    const op = bytes[p];
    ops++;
    switch (op) {
      case 0x80: p += 2; break;
      case 0x95: p += 9; break;
      case 0x5d: stack.push({ k: 1, items: [], n: 0 }); p++; break; // EMPTY_LIST
      case 0x94: if (memoCount++ < 65536) memo.push(stack[stack.length - 1]); p++; break; // MEMOIZE
      case 0x28: marks.push(stack.length); p++; break; // MARK
      case 0x4a: case 0x4b: case 0x4d: { const at = op - 0x4a; stack.push(view.getInt32(p + 1, true) & INT_MASK[at]); p += 1 + INT_BYTES[at]; break; }
      case 0x68: stack.push(memo[bytes[p + 1]]); p += 2; break;
      case 0x8c: stack.push("x"); p += 2 + bytes[p + 1]; break;
      case 0x87: { const len = stack.length; const t = { k: 5, items: [stack[len - 3], stack[len - 2], stack[len - 1]], n: 3 }; stack.pop(); stack.pop(); stack[len - 3] = t; p++; break; } // TUPLE3
      case 0x65: { const m = marks.pop(); const list = stack[m - 1]; list.n += stack.length - m; if (list.items.length < 16) list.items.push(stack[m]); while (stack.length > m) stack.pop(); p++; break; } // APPENDS
      case 0x2e: return ops;
      default: throw new Error(`opcode 0x${op.toString(16)} at ${p}`);
    }
  }
  return ops;
}

const { MemorySource } = await import(pathToFileURL(join(dist, "core/byte-source.js")).href);
const { scanSource } = await import(pathToFileURL(join(dist, "engine/scan.js")).href);
await scanSource(new MemorySource(new Uint8Array([0x80, 4, 0x4b, 1, 0x2e])), { path: "warm.pkl" });
let opsCount = 0;
const runners = {
  dispatch: async () => (opsCount = dispatch()),
  floor: async () => floor(),
  modelvet: async () => {
    const report = await scanSource(new MemorySource(bytes), { path: "tuples10m-p4.pkl" });
    if (report.verdict !== "clean") throw new Error(`modelvet judged the tuples ${report.verdict}`);
  },
};
const times = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(runners)) {
    const started = performance.now();
    await run();
    times[name].push(performance.now() - started);
  }
}

const mb = bytes.length / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rows = Object.entries(times).map(([name, ms]) => ({
  interpreter: name,
  best_ms: Math.round(Math.min(...ms)),
  median_ms: Math.round(median(ms)),
  best_MB_s: Math.round(mb / (Math.min(...ms) / 1000)),
  median_MB_s: Math.round(mb / (median(ms) / 1000)),
  ns_per_op: +((median(ms) * 1e6) / opsCount).toFixed(1),
}));
console.log(`${path}: ${mb.toFixed(1)} MB, ${opsCount} opcodes; ${ROUNDS} rounds, alternating`);
console.table(rows);

const needed = mb / (mb / 200 - startup / 1000);
console.log(`200 MB/s end to end with a start-up of ${Math.round(startup)} ms (best of 5) needs ${Math.round(needed)} MB/s in process.`);
