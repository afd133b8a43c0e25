// Container benchmarks (issue 3, PyTorch family): run `npm run build` first, then
//   node bench/containers.mjs            # generate what is missing, measure, delete the big files
//   node bench/containers.mjs --keep     # keep bench/.data/ inputs for the next run
// Goals: a 1 GB torch.save zip, a 1 GB legacy checkpoint and a 1 GB .npy each scanned in
// < 100 ms reading < 1% of the bytes, a 500 MB joblib RandomForest in < 2 s; peak RSS < 150 MB;
// plus the whole-process time of `node dist/cli/bin.js scan` over 1,000 small mixed files.
// Inputs are written by the real libraries (Debian's /usr/bin/python3: torch 1.13, numpy,
// scikit-learn, joblib) into bench/.data/ (git-ignored). Each scan runs in its own child process.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const DATA = new URL("./.data/containers/", import.meta.url).pathname;
const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;
const DIST = new URL("../dist/", import.meta.url).pathname;
const PYTHON = "/usr/bin/python3";

/** Registered handlers and rules plus this family's, until they are registered (deduplicated by id). */
async function scanSetup() {
  const load = (path) => import(new URL(path, `file://${DIST}`).href);
  const { FORMAT_HANDLERS } = await load("formats/index.js");
  const torch = await load("formats/torch/index.js");
  const { npyHandler } = await load("formats/numpy/index.js");
  const { joblibHandler, zfileHandler } = await load("formats/joblib/index.js");
  const { RULES } = await load("rules/index.js");
  const family = [torch.zipModelHandler, torch.torchLegacyHandler, torch.torchLegacyTarHandler, torch.torchPickleHandler, torch.torchScriptPickleHandler, npyHandler, joblibHandler, zfileHandler];
  const ruleFiles = [
    "torch/pt001-storage-short", "torch/pt002-storage-records", "torch/pt003-tensor-mutation", "torch/pt004-odd-persistent-id", "torch/pt005-legacy-magic-call",
    "torch/pt006-legacy-layout", "torch/pt007-torchscript-code", "torch/pt008-torchscript-gadget", "torch/pt009-torchscript-custom-op",
    "numpy/npy001-object-array", "numpy/npy002-bad-header", "numpy/npy003-data-size", "joblib/jbl001-side-file", "joblib/jbl002-side-file-escape",
  ];
  const familyRules = await Promise.all(ruleFiles.map(async (f) => Object.values(await load(`rules/${f}.js`))[0]));
  const byId = (list, id) => list.filter((x, i) => list.findIndex((y) => id(y) === id(x)) === i);
  return { handlers: byId([...family, ...FORMAT_HANDLERS], (h) => h.id), rules: byId([...RULES, ...familyRules], (r) => r.meta.id) };
}

/** Child process: scan one file or folder and print timing, bytes read and peak RSS as JSON. */
async function scanOne(path) {
  const { FileSource } = await import(new URL("node/file-source.js", `file://${DIST}`).href);
  const { scanSource } = await import(new URL("engine/scan.js", `file://${DIST}`).href);
  const setup = await scanSetup();
  const files = statSync(path).isDirectory() ? readdirSync(path).map((f) => join(path, f)) : [path];
  const started = performance.now();
  let bytesRead = 0;
  let size = 0;
  const verdicts = {};
  const errors = [];
  for (const file of files) {
    const source = await FileSource.open(file);
    const report = await scanSource(source, { path: file, ...setup });
    await source.close();
    bytesRead += source.stats.bytesRead;
    size += source.size;
    verdicts[report.verdict] = (verdicts[report.verdict] ?? 0) + 1;
    errors.push(...report.errors.map((e) => e.message));
  }
  const millis = performance.now() - started;
  console.log(JSON.stringify({ path, files: files.length, verdicts, errors: errors.slice(0, 3), size, bytesRead, millis: Math.round(millis * 10) / 10, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

const GENERATE = String.raw`
import os, sys, numpy as np, torch, joblib
from sklearn.ensemble import RandomForestClassifier
kind, path = sys.argv[1], sys.argv[2]
torch.manual_seed(0); np.random.seed(0)

def state_dict(total_bytes):
    # GPT-2-medium-like blocks (~50 MB each) with their small biases and layer norms.
    sd, size, layer = {}, 0, 0
    while size < total_bytes:
        for name, shape in (("attn.c_attn.weight", (1024, 3072)), ("attn.c_attn.bias", (3072,)), ("attn.c_proj.weight", (1024, 1024)), ("attn.c_proj.bias", (1024,)),
                            ("ln_1.weight", (1024,)), ("ln_1.bias", (1024,)), ("mlp.c_fc.weight", (1024, 4096)), ("mlp.c_fc.bias", (4096,)),
                            ("mlp.c_proj.weight", (4096, 1024)), ("mlp.c_proj.bias", (1024,)), ("ln_2.weight", (1024,)), ("ln_2.bias", (1024,))):
            t = torch.randn(shape)
            sd[f"h.{layer}.{name}"] = t
            size += t.numel() * 4
        layer += 1
    return sd

if kind == "zip":
    torch.save(state_dict(1 << 30), path)
elif kind == "legacy":
    torch.save(state_dict(1 << 30), path, _use_new_zipfile_serialization=False)
elif kind == "npy":
    arr = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(16384, 16384))
    for i in range(0, 16384, 1024):
        arr[i:i + 1024] = np.random.rand(1024, 16384).astype(np.float32)
    arr.flush()
elif kind == "joblib":
    X = np.random.rand(200_000, 10).astype(np.float32)
    y = np.random.randint(0, 2, 200_000)
    rf = RandomForestClassifier(n_estimators=int(sys.argv[3]), n_jobs=2, random_state=0).fit(X, y)
    joblib.dump(rf, path)
print(os.path.getsize(path))
`;

function generate(kind, file, ...extra) {
  const path = join(DATA, file);
  if (existsSync(path)) return path;
  const t = performance.now();
  execFileSync(PYTHON, ["-c", GENERATE, kind, path, ...extra], { stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 });
  console.error(`generated ${file}: ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return path;
}

/** 1,000 small files: copies of the pickle and torch-family fixtures, round robin. */
function smallDir() {
  const dir = join(DATA, "small-1000");
  if (existsSync(dir) && readdirSync(dir).length === 1000) return dir;
  mkdirSync(dir, { recursive: true });
  const sources = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.endsWith(".json") && !name.endsWith(".md")) sources.push(p);
    }
  };
  walk(join(FIXTURES, "pickle"));
  walk(join(FIXTURES, "torch"));
  for (let i = 0; i < 1000; i++) {
    const src = sources[i % sources.length];
    copyFileSync(src, join(dir, `f${String(i).padStart(4, "0")}-${src.split("/").pop()}`));
  }
  return dir;
}

function child(path) {
  const t = performance.now();
  const out = execFileSync(process.execPath, [new URL(import.meta.url).pathname, "--one", path], { encoding: "utf8", maxBuffer: 1 << 20 });
  return { ...JSON.parse(out), processMs: Math.round(performance.now() - t) };
}

function cliMedian(dir, runs = 5) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    try {
      execFileSync(process.execPath, [join(DIST, "cli/bin.js"), "scan", dir, "--format", "json", "--quiet"], { stdio: "pipe", maxBuffer: 1 << 26 });
    } catch {
      // exit code 1 = findings (the folder holds hostile fixtures on purpose)
    }
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(runs / 2)]);
}

async function main() {
  if (!existsSync(join(DIST, "formats/torch/index.js"))) throw new Error("Run `npm run build` first: dist/formats/torch is missing");
  mkdirSync(DATA, { recursive: true });
  const inputs = [
    ["torch.save state dict, zip (1 GiB)", generate("zip", "state_dict_1g.pt")],
    ["torch.save state dict, legacy (1 GiB)", generate("legacy", "state_dict_1g_legacy.pt")],
    ["numpy .npy float32 16384x16384 (1 GiB)", generate("npy", "array_1g.npy")],
    ["joblib RandomForest (about 500 MB)", generate("joblib", "random_forest.joblib", "96")],
  ];
  const rows = [];
  for (const [label, path] of inputs) {
    const r = child(path);
    rows.push({ bench: label, size_MB: +(r.size / 2 ** 20).toFixed(0), scan_ms: r.millis, process_ms: r.processMs, read_KB: +(r.bytesRead / 1024).toFixed(1), read_pct: +((100 * r.bytesRead) / r.size).toFixed(4), rss_MB: r.maxRssMB, verdict: Object.keys(r.verdicts).join(","), errors: r.errors.join("; ") });
  }
  const dir = smallDir();
  const family = child(dir);
  rows.push({ bench: "1,000 small mixed files, one process, family handlers", size_MB: +(family.size / 2 ** 20).toFixed(1), scan_ms: family.millis, process_ms: family.processMs, read_KB: +(family.bytesRead / 1024).toFixed(0), rss_MB: family.maxRssMB, verdict: JSON.stringify(family.verdicts) });
  rows.push({ bench: "1,000 small mixed files: node dist/cli/bin.js scan (median of 5)", process_ms: cliMedian(dir) });
  console.table(rows);
  if (!process.argv.includes("--keep")) {
    for (const [, path] of inputs) rmSync(path, { force: true });
    console.error(`deleted the large inputs (pass --keep to reuse them); ${dir} kept`);
  }
}

if (process.argv[2] === "--one") await scanOne(process.argv[3]);
else await main();
