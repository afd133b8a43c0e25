// The gate (issue 10): node bench/gate.mjs [--quick]   (needs `npm run build`; loopback only, bounded in time)
// Goals: a cached verdict answers in < 5 ms p99 at 200 requests/s; an allowed 1 GiB file streams
// through the gate at >= 90 % of fetching it from the upstream directly; 50 concurrent downloads
// of it keep the gate's RSS under 300 MB; kill -9 during scans loses no answered verdict and
// serves no half-written entry. The upstream is the hub stand-in serving sparse files.
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { writeSparseSafetensors } from "./sparse-models.mjs";
import { loadStandin } from "./standin.mjs";

const run = promisify(execFile);
const here = new URL(".", import.meta.url).pathname;
const bin = join(here, "../dist/cli/bin.js");
const quick = process.argv.includes("--quick");
const GiB = 1024 ** 3;
const BIG = "bench/one-gib";
const BIG_FILE = "model.safetensors";

const root = mkdtempSync(join(tmpdir(), "modelvet-bench-gate-"));
const db = join(root, "gate.db");
const results = {};

/** Starts `modelvet serve` as its own process (RSS is measured on it); resolves with its URL. */
function startGate(upstream) {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--upstream", upstream, "--db", db, "--anonymous", "pull,scan", "--rate", "1000000", "--log-level", "warn"], { stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
      const match = /listening on (http:\/\/[^ ]+)/.exec(err);
      if (match) resolve({ child, url: match[1] });
    });
    child.on("exit", (code) => reject(new Error(`gate exited ${code}: ${err}`)));
  });
}

function rssMB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

/** curl to /dev/null; a --max-time cut still reports what arrived (`complete` false). */
async function curlDownload(url, maxTime = 120) {
  const args = ["-sS", "-L", "-o", "/dev/null", "--max-time", String(maxTime), "-w", "%{http_code} %{size_download} %{time_total}", url];
  const { stdout, complete } = await run("curl", args).then((r) => ({ stdout: r.stdout, complete: true }), (e) => ({ stdout: e.stdout ?? "0 0 0", complete: false }));
  const [status, bytes, seconds] = stdout.split(" ").map(Number);
  return { status, bytes, seconds, complete };
}

async function sha256File(path) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk);
  return hash.digest("hex");
}

const { startHubStandin } = await loadStandin();
const bigPath = join(root, "hub", BIG, BIG_FILE);
writeSparseSafetensors(bigPath, GiB);
writeFileSync(join(root, "hub", BIG, "config.json"), JSON.stringify({ model_type: "llama" }));
const bigSha = await sha256File(bigPath);
// Small distinct files for the kill -9 test: each its own digest, so each needs its own scan.
const KILL_FILES = 60;
for (let i = 0; i < KILL_FILES; i++) {
  const header = Buffer.from(JSON.stringify({ __metadata__: { run: String(i) }, w: { dtype: "F32", shape: [i + 1], data_offsets: [0, 4 * (i + 1)] } }));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(header.length));
  mkdirSync(join(root, "hub", "bench/many"), { recursive: true });
  writeFileSync(join(root, "hub", "bench/many", `m${i}.safetensors`), Buffer.concat([prefix, header, Buffer.alloc(4 * (i + 1))]));
}
const hub = await startHubStandin({ root: join(root, "hub"), lfsOid: (repo, path) => (repo === BIG && path === BIG_FILE ? bigSha : undefined) });

let gate = await startGate(hub.url);
try {
  // 1. Throughput: direct from the stand-in (hub redirect to its CDN) vs through the gate, cached verdict.
  const gateUrl = `${gate.url}/${BIG}/resolve/main/${BIG_FILE}`;
  const first = await curlDownload(gateUrl);
  if (first.status !== 200) throw new Error(`first pull answered ${first.status}`);
  const direct = [];
  const through = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    direct.push(await curlDownload(`${hub.url}/${BIG}/resolve/main/${BIG_FILE}`));
    through.push(await curlDownload(gateUrl));
  }
  const best = (runs) => Math.max(...runs.map((r) => r.bytes / r.seconds / 1e6));
  results.throughput = { direct_MBps: +best(direct).toFixed(0), gate_MBps: +best(through).toFixed(0), ratio: +(best(through) / best(direct)).toFixed(3), first_pull_with_scan_s: +first.seconds.toFixed(2) };

  // 2. Cached verdict latency at 200 requests/s: HEAD on the resolve URL (includes the upstream
  //    resolve round trip) and the verdict lookup by sha256 (cache only).
  const cannon = (opts) => new Promise((resolve, reject) => autocannon({ connections: 10, overallRate: 200, duration: quick ? 3 : 10, ...opts }, (err, res) => (err ? reject(err) : resolve(res))));
  // autocannon waits for a body after HEAD + Content-Length, so the pull is a GET of a small file.
  const head = await cannon({ url: `${gate.url}/${BIG}/resolve/main/config.json` });
  const lookup = await cannon({ url: `${gate.url}/v1/verdicts/${bigSha}` });
  // The floor on this machine: the same load on a route that does nothing.
  const health = await cannon({ url: `${gate.url}/healthz` });
  results.latency = {
    pull_small: { requests: head.requests.total, non2xx: head.non2xx, p50_ms: head.latency.p50, p99_ms: head.latency.p99, max_ms: head.latency.max },
    verdict_lookup: { requests: lookup.requests.total, non2xx: lookup.non2xx, p50_ms: lookup.latency.p50, p99_ms: lookup.latency.p99, max_ms: lookup.latency.max },
    healthz_floor: { requests: health.requests.total, p50_ms: health.latency.p50, p99_ms: health.latency.p99, max_ms: health.latency.max },
  };

  // 3. RSS with 50 concurrent downloads of the 1 GiB file (bounded to 20 s each).
  let maxRss = rssMB(gate.child.pid);
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMB(gate.child.pid))), 100);
  const started = performance.now();
  const downloads = await Promise.all(Array.from({ length: 50 }, () => curlDownload(gateUrl, quick ? 8 : 20)));
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const bytes = downloads.reduce((s, d) => s + d.bytes, 0);
  results.concurrency = { downloads: 50, completed: downloads.filter((d) => d.complete).length, answered_200: downloads.filter((d) => d.status === 200).length, transferred_GB: +(bytes / 1e9).toFixed(2), aggregate_MBps: +(bytes / seconds / 1e6).toFixed(0), max_rss_MB: +maxRss.toFixed(0) };

  // 4. kill -9 during scans, then restart on the same database.
  const answered = [];
  let failed = 0;
  let answeredWhileDying = 0;
  let killed = false;
  const pulls = Array.from({ length: KILL_FILES }, (_, i) =>
    fetch(`${gate.url}/bench/many/resolve/main/m${i}.safetensors`)
      .then(async (r) => {
        const body = await r.arrayBuffer();
        // Sent by the gate before the signal landed; their verdicts must be on disk too.
        if (killed) answeredWhileDying += 1;
        answered.push({ i, status: r.status, sha: createHash("sha256").update(new Uint8Array(body)).digest("hex"), verdict: r.headers.get("x-modelvet-verdict") });
        if (answered.length === 10 && !killed) {
          killed = true;
          gate.child.kill("SIGKILL");
        }
      })
      .catch(() => (failed += 1)),
  );
  await Promise.all(pulls);
  await new Promise((resolve) => (gate.child.exitCode !== null || gate.child.signalCode !== null ? resolve() : gate.child.once("exit", resolve)));
  const check = new Database(db, { readonly: true });
  const integrity = check.pragma("integrity_check", { simple: true });
  const rows = check.prepare("SELECT report FROM verdicts").all();
  const halfWritten = rows.filter((r) => {
    try {
      JSON.parse(r.report);
      return false;
    } catch {
      return true;
    }
  }).length;
  check.close();
  gate = await startGate(hub.url);
  let lost = 0;
  for (const a of answered.filter((x) => x.status === 200)) {
    const r = await fetch(`${gate.url}/v1/verdicts/${a.sha}`);
    if (r.status !== 200 || (await r.json()).verdict !== a.verdict) lost += 1;
  }
  results.kill9 = { requests: KILL_FILES, answered_before_kill: answered.length, failed_pending: failed, answered_while_dying: answeredWhileDying, load_average: (await import("node:os")).loadavg()[0].toFixed(1), answered_verdicts_lost_after_restart: lost, half_written_rows: halfWritten, sqlite_integrity: integrity };
} finally {
  gate.child.kill("SIGTERM");
  await hub.close();
  rmSync(root, { recursive: true, force: true });
}

console.log(JSON.stringify(results, null, 2));
const goals = [
  ["cached verdict p99 < 5 ms at 200 req/s (pull of a small file, upstream round trip included)", results.latency.pull_small.p99_ms < 5],
  ["cached verdict p99 < 5 ms at 200 req/s (lookup by sha256)", results.latency.verdict_lookup.p99_ms < 5],
  ["throughput through the gate >= 90 % of direct", results.throughput.ratio >= 0.9],
  ["RSS < 300 MB with 50 concurrent 1 GiB downloads", results.concurrency.max_rss_MB < 300],
  ["kill -9: no answered verdict lost, no half-written row", results.kill9.answered_verdicts_lost_after_restart === 0 && results.kill9.half_written_rows === 0 && results.kill9.sqlite_integrity === "ok"],
];
for (const [goal, ok] of goals) console.log(`${ok ? "ok  " : "MISS"} ${goal}`);
