// Stores (issue 15): node bench/store.mjs [--quick] [--pg postgres://…]   (needs `npm run build`; loopback only)
// Operations per second of the verdict store on SQLite (WAL, synchronous=FULL) and on Postgres
// (synchronous_commit=on), one caller at a time and 16 at once, with real fsync on both. Without --pg
// it starts a throwaway Postgres cluster (Debian's /usr/lib/postgresql/N/bin) in a temp folder, with
// the server's default settings (fsync on), and removes it after.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const quick = process.argv.includes("--quick");
const pgArg = process.argv.indexOf("--pg");
const { openStore } = await import("../dist/service/open-store.js");
const { resultCursor } = await import("../dist/service/store-common.js");

/** Each phase runs this many operations, or stops at SECONDS_PER_PHASE, whichever comes first. */
const OPS = quick ? 500 : 4000;
const SECONDS_PER_PHASE = quick ? 2 : 8;
const FILE_RESULTS = quick ? 2000 : 20000;

const root = mkdtempSync(join(tmpdir(), "modelvet-bench-store-"));
let stopCluster = () => {};

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startCluster() {
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql").filter((v) => /^\d+$/.test(v)).sort((a, b) => b - a) : [];
  if (versions.length === 0) return undefined;
  const bin = `/usr/lib/postgresql/${versions[0]}/bin`;
  const data = join(root, "pg");
  const asPostgres = (cmd, args) => (process.getuid?.() === 0 ? execFileSync("runuser", ["-u", "postgres", "--", join(bin, cmd), ...args], { stdio: "pipe" }) : execFileSync(join(bin, cmd), args, { stdio: "pipe" }));
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", root]);
  asPostgres("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-instructions"]);
  const port = await freePort();
  asPostgres("pg_ctl", ["-D", data, "-l", join(root, "pg.log"), "-o", `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${root}`, "-w", "start"]);
  stopCluster = () => asPostgres("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

const digest = (i) => `sha256:${i.toString(16).padStart(64, "0")}`;
const verdict = (i) => ({
  key: `${digest(i)}|policy|bench`,
  digest: digest(i),
  policyDigest: "policy",
  toolVersion: "bench",
  verdict: i % 10 === 0 ? "unsafe" : "clean",
  allowed: i % 10 !== 0,
  rules: i % 10 === 0 ? ["PKL001"] : [],
  report: JSON.stringify({ path: `f${i}`, verdict: "clean", findings: [], errors: [], padding: "x".repeat(600) }),
  createdAt: new Date().toISOString(),
});

/** Runs `op(i)` for i in [from, from + OPS) with `concurrency` callers; returns operations per second. */
async function phase(op, from, concurrency) {
  let next = from;
  const end = from + OPS;
  const deadline = performance.now() + SECONDS_PER_PHASE * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < end && performance.now() < deadline) {
        await op(next++);
        done++;
      }
    }),
  );
  return Math.round(done / ((performance.now() - started) / 1000));
}

async function benchStore(label, url) {
  const store = await openStore(url);
  const row = { store: label };
  row["putVerdict/s x1"] = await phase((i) => store.putVerdict(verdict(i)), 0, 1);
  row["putVerdict/s x16"] = await phase((i) => store.putVerdict(verdict(i)), 1_000_000, 16);
  row["getVerdict/s x1"] = await phase((i) => store.getVerdict(verdict(i % 500).key), 0, 1);
  row["getVerdict/s x16"] = await phase((i) => store.getVerdict(verdict(i % 500).key), 0, 16);
  row["appendAudit/s x16"] = await phase((i) => store.appendAudit({ at: new Date().toISOString(), actor: "bench", action: "pull", repo: "acme/x", revision: "main", commit: "c", path: `f${i}`, digest: digest(i), verdict: "clean", decision: "allow", rules: [], status: 200, reason: "bench", verdictKey: "" }), 0, 16);
  // File results: FILE_RESULTS files in 100 orgs, one in 20 with PKL001, then a query by rule and org.
  const t = performance.now();
  let recorded = 0;
  await Promise.all(
    Array.from({ length: 16 }, async (_, w) => {
      for (let i = w; i < FILE_RESULTS; i += 16) {
        await store.recordFileResult({ repo: `org${i % 100}/repo${i % 1000}`, revision: "r", path: `m${i}.bin`, digest: digest(i), verdictKey: `${digest(i)}|p|v`, verdict: i % 20 === 0 ? "unsafe" : "clean", rules: i % 20 === 0 ? ["PKL001", "PKL004"] : [], scannedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() });
        recorded++;
      }
    }),
  );
  row["recordFileResult/s x16"] = Math.round(recorded / ((performance.now() - t) / 1000));
  const q = performance.now();
  let pages = 0;
  let after;
  for (; pages < 20; pages++) {
    const page = await store.filesByRule("PKL001", { limit: 50, after });
    if (page.length === 0) break;
    after = resultCursor(page[page.length - 1]);
  }
  row["filesByRule page ms"] = +((performance.now() - q) / Math.max(1, pages)).toFixed(2);
  const o = performance.now();
  for (let i = 0; i < 20; i++) await store.filesByRule("PKL001", { org: `org${i * 5}`, limit: 50 });
  row["filesByRule+org page ms"] = +((performance.now() - o) / 20).toFixed(2);
  await store.close();
  return row;
}

const rows = [];
try {
  rows.push(await benchStore("sqlite", `sqlite:${join(root, "bench.db")}`));
  const pgUrl = pgArg > 0 ? process.argv[pgArg + 1] : await startCluster();
  if (pgUrl) rows.push(await benchStore("postgres", pgUrl));
  else console.error("No Postgres server binaries (apt-get install -y postgresql) and no --pg URL: Postgres skipped");
} finally {
  try {
    stopCluster();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
console.table(rows);
console.log(JSON.stringify({ bench: "store", ops: OPS, fileResults: FILE_RESULTS, rows }));
