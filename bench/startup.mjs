// npm run bench:startup: what one call of the installed bin costs (issue 14). In a pre-commit hook or
// a CI job that runs modelvet per file, start-up is nearly all of it.
// Goals: a small pickle scanned in <= 120 ms wall (Node's own start is ~40 ms); --version and
// --help load no format, rule or heavy dependency; peak RSS under 60 MB for a one-file scan.
//
//   node bench/startup.mjs [--runs N] [--bin path/to/bin.js]
//
// --bin measures another build of the bin, e.g. the one installed from the `npm pack` tarball
// (node_modules/modelvet/dist/cli/bin.js). Each row is a whole process; wall time is best and
// median of N runs. The machine may be shared: user+sys CPU time (median) is steadier than wall.
// Peak RSS and CPU come from GNU time (/usr/bin/time) when it is installed.
//
// NODE_EXTRA_CA_CERTS makes every Node process parse that certificate file before any JavaScript
// runs (~50 ms here for the system bundle: Node's own start went from ~25 to ~75 ms). It is no
// part of modelvet's cost, so the bench unsets it and says so; --keep-env keeps it.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const runs = Math.max(1, Number(option("--runs", "10")));
const env = { ...process.env, NO_COLOR: "1" };
if (!args.includes("--keep-env") && env.NODE_EXTRA_CA_CERTS !== undefined) {
  delete env.NODE_EXTRA_CA_CERTS;
  console.log("NODE_EXTRA_CA_CERTS is set here: unset for these runs (it adds its own cost to every Node start; --keep-env keeps it).");
}
const bin = option("--bin", new URL("../dist/cli/bin.js", import.meta.url).pathname);
const fixture = (path) => new URL(`../${path}`, import.meta.url).pathname;
const GNU_TIME = "/usr/bin/time";
const hasTime = existsSync(GNU_TIME);

if (!existsSync(bin)) {
  console.error(`No bin at ${bin}: run "npm run build" first (or pass --bin).`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), "modelvet-startup-"));
// A GGUF header and nothing else: magic, version 3, no tensors, one string key (general.name).
const gguf = join(work, "header.gguf");
writeFileSync(gguf, ggufHeader());

const cases = [
  // Node's own start, for scale: what no change to modelvet can remove.
  { label: "node -e 0 (Node itself)", node: ["-e", "0"] },
  { label: "--version", argv: ["--version"] },
  { label: "--help", argv: ["--help"] },
  { label: "scan small pickle (732 B)", argv: ["scan", fixture("samples/classifier.pkl")] },
  // The same scan from the ES modules, as it ran before the bundle (and as it runs without one).
  { label: "  same, MODELVET_NO_BUNDLE=1", argv: ["scan", fixture("samples/classifier.pkl")], extra: { MODELVET_NO_BUNDLE: "1" } },
  { label: "scan small safetensors", argv: ["scan", fixture("fixtures/safetensors/benign/torch_state_dict.safetensors")] },
  { label: "scan GGUF header", argv: ["scan", gguf] },
];

const rows = [];
try {
  for (const { label, argv, node, extra } of cases) rows.push(measure(label, node ?? [bin, ...argv], { ...env, ...extra }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`bin: ${bin}  (node ${process.version}, ${runs} runs each)`);
console.table(rows);

function measure(label, nodeArgs, runEnv) {
  const walls = [];
  const cpus = [];
  const rss = [];
  let status;
  for (let i = 0; i < runs; i++) {
    const command = hasTime ? GNU_TIME : process.execPath;
    const commandArgs = hasTime ? ["-f", "%U %S %M", process.execPath, ...nodeArgs] : nodeArgs;
    const started = performance.now();
    const result = spawnSync(command, commandArgs, { encoding: "utf8", env: runEnv });
    walls.push(performance.now() - started);
    status = result.status;
    if (hasTime) {
      // GNU time writes its line last on stderr.
      const [user, sys, maxKb] = result.stderr.trim().split("\n").pop().split(" ").map(Number);
      cpus.push((user + sys) * 1000);
      rss.push(maxKb / 1024);
    }
  }
  const row = { case: label, exit: status, best_ms: round(Math.min(...walls)), median_ms: round(median(walls)) };
  if (hasTime) Object.assign(row, { cpu_ms_median: round(median(cpus)), peak_rss_MB: round(Math.max(...rss)) });
  return row;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(value) {
  return Math.round(value * 10) / 10;
}

function ggufHeader() {
  const parts = [];
  const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); parts.push(b); };
  const u64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); parts.push(b); };
  const str = (s) => { u64(Buffer.byteLength(s)); parts.push(Buffer.from(s)); };
  parts.push(Buffer.from("GGUF"));
  u32(3); // version
  u64(0); // tensor count
  u64(1); // metadata key/value count
  str("general.name");
  u32(8); // GGUF_TYPE_STRING
  str("startup-bench");
  return Buffer.concat(parts);
}
