#!/usr/bin/env node
// Builds src/audit/data/pypa-snapshot.json: the OSV entries of PyPA's advisory database
// (https://github.com/pypa/advisory-database, vulns/<package>/*.yaml) for the ML packages
// modelvet audits, stripped to the fields the matcher reads.
//
//   node tools/build-advisories.mjs <checkout-or-bare-git-dir> [--out file]
//
// The source may be a work tree (with vulns/) or a bare git directory (read with git ls-tree
// and git show at HEAD). Newer advisories that PyPA lacks live in src/audit/data/curated.json,
// written by hand, each citing its source advisory.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** The packages of issue 13, by their PyPI names (PyPA folder names are normalised the same way). */
export const ML_PACKAGES = [
  "torch", "torchvision", "tensorflow", "keras", "tf-keras", "mlflow", "h2o", "mleap",
  "transformers", "huggingface-hub", "diffusers", "accelerate", "safetensors", "onnx", "onnxruntime", "gradio", "ray",
  "bentoml", "llama-cpp-python", "vllm", "langchain", "langchain-core", "langchain-community", "langchain-experimental",
  "langchain-openai", "langchain-text-splitters", "langchain-anthropic", "joblib", "numpy", "scikit-learn", "pandas",
  "pyyaml", "jinja2", "xgboost", "lightgbm", "ultralytics", "modelscan", "picklescan",
];
/** Summary length kept: the report shows one line; the advisory link has the rest. */
const SUMMARY_CHARS = 160;
// tensorflow-cpu and tensorflow-gpu repeat tensorflow's advisories; the matcher maps them onto tensorflow.

const args = process.argv.slice(2);
const repo = args.find((a) => !a.startsWith("--"));
const outIndex = args.indexOf("--out");
const out = outIndex >= 0 ? args[outIndex + 1] : new URL("../src/audit/data/pypa-snapshot.json", import.meta.url).pathname;
if (!repo) {
  console.error("usage: node tools/build-advisories.mjs <pypa/advisory-database checkout or bare git dir> [--out file]");
  process.exit(2);
}

const worktree = existsSync(join(repo, "vulns"));
const git = (...a) => execFileSync("git", ["--git-dir", repo, ...a], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
const commit = worktree ? tryGit(() => execFileSync("git", ["-C", repo, "rev-parse", "HEAD"], { encoding: "utf8" }).trim()) : git("rev-parse", "HEAD").trim();
const folders = new Set(worktree ? readdirSync(join(repo, "vulns")) : git("ls-tree", "--name-only", "HEAD:vulns").split("\n").filter(Boolean));

const advisories = [];
for (const pkg of ML_PACKAGES) {
  if (!folders.has(pkg)) continue;
  const files = worktree ? readdirSync(join(repo, "vulns", pkg)) : git("ls-tree", "--name-only", `HEAD:vulns/${pkg}`).split("\n").filter(Boolean);
  for (const file of files.filter((f) => f.endsWith(".yaml")).sort()) {
    const path = `vulns/${pkg}/${file}`;
    const text = worktree ? readFileSync(join(repo, path), "utf8") : git("show", `HEAD:${path}`);
    const entry = strip(parse(text), `https://github.com/pypa/advisory-database/blob/${commit ?? "main"}/${path}`);
    if (entry) advisories.push(entry);
  }
}
advisories.sort((a, b) => a.id.localeCompare(b.id));
const snapshot = {
  schema: "modelvet-advisories/1",
  source: "https://github.com/pypa/advisory-database",
  commit,
  packages: ML_PACKAGES,
  advisories,
};
// One advisory per line: small, and a refresh shows up as a readable diff.
const body = advisories.map((a) => JSON.stringify(a)).join(",\n");
const head = JSON.stringify({ ...snapshot, advisories: [] }).replace(/\[\]\}$/, "");
writeFileSync(out, `${head}[\n${body}\n]}\n`);
console.log(`build-advisories: ${advisories.length} advisories for ${ML_PACKAGES.length} packages from ${commit ?? repo} -> ${out}`);

function tryGit(f) {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** Keeps what the matcher reads; drops GIT ranges and enumerated versions when a range exists. */
function strip(osv, source) {
  if (!osv || typeof osv.id !== "string" || !Array.isArray(osv.affected)) return undefined;
  if (osv.withdrawn) return undefined;
  const affected = osv.affected
    .filter((a) => a?.package?.ecosystem === "PyPI")
    .map((a) => {
      const ranges = (a.ranges ?? []).filter((r) => r.type === "ECOSYSTEM").map((r) => ({ type: r.type, events: r.events.map((e) => ({ ...e })) }));
      const entry = { package: { ecosystem: "PyPI", name: a.package.name } };
      if (ranges.length > 0) entry.ranges = ranges;
      else if (Array.isArray(a.versions)) entry.versions = a.versions.map(String);
      return entry;
    });
  if (affected.length === 0) return undefined;
  const text = String(osv.summary ?? osv.details ?? "").replace(/\s+/g, " ").trim();
  const entry = { id: osv.id };
  if (osv.aliases?.length) entry.aliases = osv.aliases;
  entry.summary = text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS - 1)}…` : text;
  if (osv.severity?.length) entry.severity = osv.severity;
  entry.affected = affected;
  const ref = (osv.references ?? []).find((r) => r.type === "ADVISORY") ?? (osv.references ?? []).find((r) => r.type === "FIX") ?? osv.references?.[0];
  if (ref) entry.references = [{ type: ref.type, url: ref.url }];
  entry.database_specific = { source };
  return entry;
}
