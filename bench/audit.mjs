// Audit benchmarks (issue 13): node bench/audit.mjs   (needs a build: `npm run build`,
// or MODELVET_DIST=/path/to/compiled/src for another output folder).
// Measures the pure layer on large, realistic inputs: a uv.lock and a requirements file with
// 5 000 packages each (the ML ones among them pinned to affected versions), and loading the
// bundled advisory database. Goal: each well under 200 ms.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const here = new URL(".", import.meta.url).pathname;
const dist = process.env.MODELVET_DIST ?? join(here, "../dist");
const load = (path) => import(pathToFileURL(join(dist, path)).href);
const RUNS = 10;
const PACKAGES = 5000;

const { advisoryDbOf, BUNDLED_PYPA } = await load("audit/data/index.js");
const { auditDocument } = await load("audit/document.js");
const { parseRequirements } = await load("audit/parse/requirements.js");
const { parseTomlLock } = await load("audit/parse/toml-files.js");

const ml = [["torch", "2.5.1"], ["mlflow", "2.9.0"], ["keras", "3.8.0"], ["tensorflow", "2.4.0"], ["numpy", "1.16.0"], ["jinja2", "2.10"]];
const names = Array.from({ length: PACKAGES }, (_, i) => (i < ml.length ? ml[i] : [`package-${i}`, `1.${i % 50}.0`]));
const uvLock = `version = 1\n${names.map(([n, v]) => `\n[[package]]\nname = "${n}"\nversion = "${v}"\nsource = { registry = "https://pypi.org/simple" }\n`).join("")}`;
const requirements = names.map(([n, v], i) => (i % 2 ? `${n}==${v} --hash=sha256:${"0".repeat(64)}` : `${n}>=${v}`)).join("\n");

function time(label, fn) {
  const samples = [];
  let result;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    result = fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} median ${samples[Math.floor(RUNS / 2)].toFixed(1)} ms, max ${samples[RUNS - 1].toFixed(1)} ms`);
  return result;
}

const db = time("build advisory db (bundled + curated)", () => advisoryDbOf(BUNDLED_PYPA));
const lock = time(`uv.lock, ${PACKAGES} packages: parse + match`, () => auditDocument("uv.lock", parseTomlLock(uvLock, "uv-lock"), { db }));
const req = time(`requirements, ${PACKAGES} lines: parse + match`, () => auditDocument("requirements.txt", parseRequirements(requirements), { db }));
console.log(`matches: uv.lock ${lock.matches.length}, requirements ${req.matches.length}; advisories ${db.count}`);
