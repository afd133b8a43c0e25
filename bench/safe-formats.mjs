// Safe-format benchmarks (issue 4): node bench/safe-formats.mjs   (needs a build: `npm run build`,
// or MODELVET_DIST=/path/to/compiled/src for another output folder).
// Goals: a 10 GB safetensors file and a 4 GB GGUF each scan in under 20 ms and read only their
// header (plus the engine's 4 KiB sniff). Files are sparse (header, then ftruncate), written to
// bench/.data/safe-formats (git-ignored) and deleted afterwards unless --keep.
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { writeSparseGguf } from "./sparse-models.mjs";

const here = new URL(".", import.meta.url).pathname;
const DATA = join(here, ".data/safe-formats");
const dist = process.env.MODELVET_DIST ?? join(here, "../dist");
const load = (path) => import(pathToFileURL(join(dist, path)).href);
const RUNS = 15;
const GB = 1024 ** 3;

const { FileSource } = await load("node/file-source.js");
const { scanSource } = await load("engine/scan.js");
const { FORMAT_HANDLERS } = await load("formats/index.js");
const { RULES } = await load("rules/index.js");
const extra = await Promise.all([
  "formats/safetensors/handler.js",
  "formats/gguf/handler.js",
  "formats/hf-config/handler.js",
  "formats/hf-config/python-source.js",
  "formats/yaml-config/handler.js",
  "formats/jinja/handler.js",
].map(load));
const ruleSets = await Promise.all(["rules/safetensors/index.js", "rules/gguf/index.js", "rules/template/index.js", "rules/hfconfig/index.js", "rules/yaml/index.js"].map(load));
const handlers = [...new Set([...FORMAT_HANDLERS, ...extra.flatMap((m) => Object.values(m).filter((v) => typeof v === "object" && v !== null && "sniff" in v))])];
const rules = [...new Set([...RULES, ...ruleSets.flatMap((m) => Object.values(m).flat())])];

mkdirSync(DATA, { recursive: true });

/** 10 GB of F16 tensors (200 x 50 MiB-ish), header written like safetensors.torch.save_file, data sparse. */
function sparseSafetensors(path, total) {
  const count = 200;
  const per = Math.floor(total / count / 2) * 2;
  const fields = ['"__metadata__":{"format":"pt"}'];
  let at = 0;
  for (let i = 0; i < count; i++) {
    fields.push(`"model.layers.${i}.weight":{"dtype":"F16","shape":[${per / 2}],"data_offsets":[${at},${at + per}]}`);
    at += per;
  }
  let header = Buffer.from(`{${fields.join(",")}}`);
  header = Buffer.concat([header, Buffer.alloc((8 - (header.length % 8)) % 8, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  const fd = openSync(path, "w");
  writeSync(fd, Buffer.concat([length, header]));
  ftruncateSync(fd, 8 + header.length + at);
  closeSync(fd);
  return 8 + header.length;
}

/** GGUF v3: a few KVs, the Llama 3 chat template, optionally a vocabulary, F32 tensors summing to `total`. */
function sparseGguf(path, total, vocab = 0) {
  const template = readFileSync(join(here, "../fixtures/jinja/benign/llama3_instruct.jinja"), "utf8");
  const { headerBytes } = writeSparseGguf(path, total, vocab, 64, template);
  // Where the tensor data starts: the header padded to GGUF's 32-byte alignment.
  return headerBytes + ((32 - (headerBytes % 32)) % 32);
}

async function bench(label, path, headerBytes) {
  const runs = [];
  let last;
  let first;
  for (let i = 0; i < RUNS; i++) {
    const source = await FileSource.open(path);
    const t = performance.now();
    const report = await scanSource(source, { path, handlers, rules });
    runs.push(performance.now() - t);
    first ??= runs[0];
    last = { report, stats: { ...source.stats }, size: source.size };
    await source.close();
  }
  runs.sort((a, b) => a - b);
  return {
    bench: label,
    size_GB: +(last.size / GB).toFixed(2),
    header_KB: +(headerBytes / 1024).toFixed(1),
    first_ms: +first.toFixed(2),
    min_ms: +runs[0].toFixed(2),
    median_ms: +runs[Math.floor(RUNS / 2)].toFixed(2),
    read_KB: +(last.stats.bytesRead / 1024).toFixed(1),
    reads: last.stats.reads,
    verdict: last.report.verdict,
    formats: last.report.formats.join("+"),
    findings: last.report.findings.map((f) => f.ruleId).join(",") || "-",
  };
}

const st = join(DATA, "model-10g.safetensors");
const gg = join(DATA, "model-4g.gguf");
const ggv = join(DATA, "model-4g-vocab.gguf");
const rows = [];
rows.push(await bench("safetensors, 10 GB sparse, 200 tensors", st, sparseSafetensors(st, 10 * GB)));
rows.push(await bench("GGUF v3, 4 GB sparse, 64 tensors + chat template", gg, sparseGguf(gg, 4 * GB)));
rows.push(await bench("GGUF v3, 4 GB sparse, + 128k-token vocabulary", ggv, sparseGguf(ggv, 4 * GB, 128_000)));
console.table(rows);
if (!process.argv.includes("--keep") && existsSync(DATA)) rmSync(DATA, { recursive: true, force: true });
