#!/usr/bin/env node
// Mutation fuzzing of the whole engine, one campaign per format family, seeds from fixtures/.
//
//   npm run fuzz                                   short campaign (CI): a few seconds per family
//   npm run fuzz -- --seconds 600 --count 1000000  long campaign, split across the families
//   npm run fuzz -- --family pickle --seed 7
//
// A campaign fails (exit 1, inputs saved under fuzz-out/) on:
//   - an exception escaping scanSource (the engine must turn every input into a report);
//   - an input whose scan takes longer than the per-file time limit (plus slack);
//   - resident memory past the budget;
//   - a mutated malicious pickle that CPython still loads far enough to call the payload
//     (asked of an oracle, tools/fuzz-oracle.py, when python3 is present) but that scans clean.
// Needs the build (dist/): npm run build.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { scanSource } = await import(join(root, "dist/engine/scan.js"));
const { MemorySource } = await import(join(root, "dist/core/byte-source.js"));

const args = parseArgs(process.argv.slice(2));
const SECONDS = Number(args.seconds ?? 15);
const COUNT = Number(args.count ?? Infinity);
/** Per-input time limit given to the engine, and the slack allowed past it before it counts as a hang. */
const INPUT_MILLIS = Number(args["input-millis"] ?? 2000);
const HANG_MILLIS = INPUT_MILLIS * 2 + 500;
/** Resident memory budget for the fuzzing process. */
const RSS_BUDGET = Number(args["rss-mb"] ?? 1024) * 1024 * 1024;
/** Largest seed used: fuzzing is about structure, and small inputs mutate faster. */
const MAX_SEED = 256 * 1024;
let rng = Number(args.seed ?? Date.now()) >>> 0;

const FAMILIES = {
  pickle: ["fixtures/pickle", "samples"],
  torch: ["fixtures/torch"],
  archives: ["fixtures/archives", "fixtures/h2o", "fixtures/java"],
  "safe-formats": ["fixtures/safetensors", "fixtures/gguf", "fixtures/onnx", "fixtures/keras"],
  text: ["fixtures/hf-config", "fixtures/jinja", "fixtures/mlflow", "fixtures/notebook", "fixtures/yaml-config"],
};

/** Byte strings that reach deep into parsers: opcodes, text-opcode forms, magic numbers. */
const TOKENS = [
  "cos\nsystem\n", "c__builtin__\neval\n", "(S'id'\ntR.", "Finf\n", "I0x10\n", "I1_000\n", "L1_0L\n", "\x80\x04\x95", "\x93", "\x94",
  "\x8c\x05posix\x8c\x06system\x93", "PK\x03\x04", "PK\x05\x06", "PK\x01\x02", "\x89HDF\r\n\x1a\n", "GGUF", "NaN", "Infinity",
  "{\"auto_map\":", "!!python/object/apply:os.system", "{{ ''.__class__ }}", "\x1f\x8b\x08", "\xfd7zXZ\0", "\xac\xed\x00\x05",
].map((t) => Uint8Array.from(t, (c) => c.charCodeAt(0)));

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) out[a.slice(2)] = argv[i + 1]?.startsWith("--") || argv[i + 1] === undefined ? "true" : argv[++i];
  }
  return out;
}

function random(n) {
  // xorshift32: reproducible from --seed
  rng ^= rng << 13;
  rng ^= rng >>> 17;
  rng ^= rng << 5;
  rng >>>= 0;
  return rng % n;
}

function* walk(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) yield* walk(path);
    else if (st.isFile() && st.size > 0 && st.size <= MAX_SEED && !name.endsWith(".md")) yield path;
  }
}

function maliciousSet() {
  const set = new Set();
  for (const manifest of walk(join(root, "fixtures"))) {
    if (!manifest.endsWith("/manifest.json")) continue;
    try {
      for (const e of JSON.parse(readFileSync(manifest, "utf8"))) if (e.verdict === "unsafe") set.add(join(dirname(manifest), e.file));
    } catch {
      // not a manifest list
    }
  }
  return set;
}

function mutate(seed, seeds) {
  let b = Uint8Array.from(seed);
  const rounds = 1 + random(4);
  for (let r = 0; r < rounds; r++) {
    const at = b.length === 0 ? 0 : random(b.length);
    switch (random(9)) {
      case 0: // flip a bit
        if (b.length) b[at] ^= 1 << random(8);
        break;
      case 1: // set a byte to an edge value
        if (b.length) b[at] = [0, 1, 0x7f, 0x80, 0xff, 0x0a, 0x28, 0x2e][random(8)];
        break;
      case 2: { // insert a token
        const t = TOKENS[random(TOKENS.length)];
        b = concat(b.subarray(0, at), t, b.subarray(at));
        break;
      }
      case 3: // delete a range
        b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + random(64))));
        break;
      case 4: { // duplicate a range
        const len = Math.min(b.length - at, 1 + random(256));
        b = concat(b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len));
        break;
      }
      case 5: // truncate
        b = b.subarray(0, at);
        break;
      case 6: { // splice with another seed
        const other = seeds[random(seeds.length)].bytes;
        const from = random(other.length || 1);
        b = concat(b.subarray(0, at), other.subarray(from, from + random(512)));
        break;
      }
      case 7: { // overwrite 4 bytes with a large or negative length
        const v = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000, 0][random(5)];
        for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = (v >>> (8 * i)) & 0xff;
        break;
      }
      default: // repeat a byte run (floods)
        b = concat(b.subarray(0, at), new Uint8Array(1 + random(4096)).fill(b[at] ?? 0x95), b.subarray(at));
    }
  }
  return b;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The CPython oracle, when python3 is present: does loading this pickle reach a dangerous call? */
function startOracle() {
  const script = join(root, "tools/fuzz-oracle.py");
  try {
    execFileSync("python3", ["-c", "import pickle"], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  const child = spawn("python3", [script], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on("line", (line) => waiting.shift()?.(JSON.parse(line)));
  return {
    ask(bytes) {
      return new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write(`${Buffer.from(bytes).toString("base64")}\n`);
      });
    },
    close() {
      child.stdin.end();
    },
  };
}

const outDir = join(root, "fuzz-out");
const failures = [];
function fail(kind, family, bytes, detail) {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${family}-${kind}-${failures.length}.bin`);
  writeFileSync(file, bytes);
  failures.push({ kind, family, file: relative(root, file), detail });
  console.error(`FAIL ${kind} (${family}): ${detail} -> ${relative(root, file)}`);
}

const malicious = maliciousSet();
const oracle = startOracle();
const families = args.family ? [args.family] : Object.keys(FAMILIES);
const perFamilyMillis = (SECONDS * 1000) / families.length;
const perFamilyCount = COUNT / families.length;
const table = [];
let peakRss = 0;

for (const family of families) {
  const seeds = FAMILIES[family].flatMap((d) => [...walk(join(root, d))]).filter((p) => !p.endsWith("/manifest.json")).map((path) => ({ path, bytes: readFileSync(path), malicious: malicious.has(path) }));
  if (seeds.length === 0) continue;
  const started = Date.now();
  let inputs = 0;
  let nonClean = 0;
  let oracleChecked = 0;
  let slowest = 0;
  while (Date.now() - started < perFamilyMillis && inputs < perFamilyCount) {
    const seed = seeds[random(seeds.length)];
    const bytes = mutate(seed.bytes, seeds);
    inputs++;
    const t0 = Date.now();
    let report;
    try {
      report = await scanSource(new MemorySource(bytes), { path: seed.path.split("/").pop(), limits: { maxMillisPerFile: INPUT_MILLIS } });
    } catch (error) {
      fail("exception", family, bytes, String(error?.stack ?? error).split("\n").slice(0, 3).join(" | "));
      continue;
    }
    const took = Date.now() - t0;
    slowest = Math.max(slowest, took);
    if (took > HANG_MILLIS) fail("slow", family, bytes, `${took} ms (limit ${INPUT_MILLIS} ms)`);
    if (report.verdict !== "clean") nonClean++;
    if (oracle && seed.malicious && family === "pickle" && report.verdict === "clean") {
      oracleChecked++;
      const answer = await oracle.ask(bytes);
      if (answer.dangerous) fail("missed", family, bytes, `CPython reaches ${answer.dangerous} but the scan is clean`);
    }
    if (inputs % 256 === 0) {
      const rss = process.memoryUsage().rss;
      peakRss = Math.max(peakRss, rss);
      if (rss > RSS_BUDGET) {
        fail("memory", family, bytes, `RSS ${Math.round(rss / 2 ** 20)} MB past budget ${Math.round(RSS_BUDGET / 2 ** 20)} MB`);
        break;
      }
    }
  }
  const seconds = (Date.now() - started) / 1000;
  table.push({ family, seeds: seeds.length, inputs, perSecond: Math.round(inputs / seconds), nonClean, oracleChecked, slowestMs: slowest });
}
oracle?.close();
console.table(table);
const total = table.reduce((n, r) => n + r.inputs, 0);
console.log(`fuzz: ${total} inputs, ${failures.length} failure(s), peak RSS ${Math.round(peakRss / 2 ** 20)} MB${oracle ? "" : " (no python3: oracle skipped)"}`);
if (failures.length > 0) {
  writeFileSync(join(outDir, "failures.json"), JSON.stringify(failures, null, 2));
  process.exit(1);
}
