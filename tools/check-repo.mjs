#!/usr/bin/env node
// Repo checks run in CI (npm run check:repo):
//  1. Pure layers never touch Node or the network: no `node:` imports, no `fetch`, no `process`.
//  2. Every rule has its test file and its docs page, and is registered in src/rules/index.ts and its family index.ts.
//  3. No regular expression in src/formats or src/rules can backtrack super-linearly (tools/safe-regex.mjs).
import { readFileSync, readdirSync, existsSync, statSync } from "node:fs";
import { join, basename, relative, dirname } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const PURE = ["src/core", "src/formats", "src/rules", "src/policy", "src/engine", "src/report", "src/signing", "src/audit", "src/inspect", "src/convert", "src/extract"];
const DOC_SECTIONS = ["## What it catches", "## Why it matters", "## How to fix", "## References"];
const problems = [];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

for (const layer of PURE) {
  const dir = join(root, layer);
  if (!existsSync(dir)) continue;
  for (const file of files(dir)) {
    if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
    const text = readFileSync(file, "utf8").replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
    const rel = relative(root, file);
    if (/from\s+["']node:|import\(\s*["']node:|require\(/.test(text)) problems.push(`${rel}: pure layer imports a Node module`);
    if (/\bfetch\s*\(/.test(text)) problems.push(`${rel}: pure layer calls fetch`);
    if (/\bprocess\.(env|exit|argv|stdout|stderr|cwd)/.test(text)) problems.push(`${rel}: pure layer uses process`);
    if (/from\s+["']\.\.\/(\.\.\/)*(node|web|cli)\//.test(text)) problems.push(`${rel}: pure layer imports an adapter (node/web/cli)`);
  }
}

// 1b. Import direction between layers: each top-level folder of src/ may import only the layers
// listed for it (STYLE.md: core <- policy <- formats <- rules <- engine <- report; adapters and
// commands on top). A new folder must be added here before it can import anything.
const PURE_BELOW_ENGINE = ["core", "policy", "audit", "formats", "rules"];
const LAYERS = {
  core: [],
  policy: ["core"],
  // Advisory data and version matching: parsed dependency files are a format like any other.
  audit: ["core"],
  formats: ["core", "audit"],
  rules: ["core", "formats", "policy", "audit"],
  engine: [...PURE_BELOW_ENGINE],
  report: ["core", "rules"],
  signing: ["core"],
  convert: [...PURE_BELOW_ENGINE, "engine"],
  inspect: [...PURE_BELOW_ENGINE, "engine", "convert", "report"],
  extract: [...PURE_BELOW_ENGINE, "engine"],
  web: [...PURE_BELOW_ENGINE, "engine", "report", "signing", "audit", "inspect"],
  node: [...PURE_BELOW_ENGINE, "engine", "report", "signing", "audit", "inspect", "convert", "extract", "web"],
  service: [...PURE_BELOW_ENGINE, "engine", "report", "signing", "audit", "inspect", "web", "node"],
  cli: [...PURE_BELOW_ENGINE, "engine", "report", "signing", "audit", "inspect", "convert", "extract", "web", "node", "service"],
  "test-support": null, // test helpers may reach any layer
  "index.ts": [...PURE_BELOW_ENGINE, "engine", "report", "signing", "audit", "inspect", "convert", "extract", "web"],
};
for (const file of files(join(root, "src"))) {
  if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
  const rel = relative(join(root, "src"), file);
  const layer = rel.split("/")[0];
  if (!(layer in LAYERS)) {
    problems.push(`src/${rel}: layer "${layer}" is not in the import table of tools/check-repo.mjs`);
    continue;
  }
  const allowed = LAYERS[layer];
  if (allowed === null) continue;
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.[^"']+)["']/g)) {
    const target = relative(join(root, "src"), join(dirname(file), m[1])).split("/")[0];
    if (target === layer || allowed.includes(target)) continue;
    problems.push(`src/${rel}: layer "${layer}" may not import "${target}" (${m[1]})`);
  }
}

const registry = readFileSync(join(root, "src/rules/index.ts"), "utf8");
const seen = new Set();
for (const file of files(join(root, "src/rules"))) {
  const name = basename(file);
  const match = /^([a-z]+\d{3})-[a-z0-9-]+\.ts$/.exec(name);
  if (!match || name.endsWith(".test.ts")) continue;
  const id = match[1].toUpperCase();
  const rel = relative(root, file);
  if (seen.has(id)) problems.push(`${rel}: duplicate rule id ${id}`);
  seen.add(id);
  const source = readFileSync(file, "utf8");
  if (!source.includes(`id: "${id}"`)) problems.push(`${rel}: file name says ${id} but meta.id differs`);
  if (!existsSync(file.replace(/\.ts$/, ".test.ts"))) problems.push(`${rel}: rule ${id} has no test file beside it`);
  const doc = join(root, "docs/rules", `${id}.md`);
  if (!existsSync(doc)) problems.push(`${rel}: rule ${id} has no docs/rules/${id}.md`);
  else {
    const text = readFileSync(doc, "utf8");
    for (const section of DOC_SECTIONS) if (!text.includes(section)) problems.push(`docs/rules/${id}.md: missing section "${section}"`);
  }
  const importPath = `./${relative(join(root, "src/rules"), file).replace(/\.ts$/, ".js")}`;
  if (!registry.includes(importPath)) problems.push(`${rel}: rule ${id} is not registered in src/rules/index.ts`);
  // Rules load per family (src/rules/families.ts): a rule missing from its family's index would
  // never run on a scan, though `modelvet rules` lists it.
  const familyIndex = join(dirname(file), "index.ts");
  if (!existsSync(familyIndex)) problems.push(`${rel}: its folder has no index.ts listing the family's rules`);
  else if (!readFileSync(familyIndex, "utf8").includes(`./${basename(file).replace(/\.ts$/, ".js")}`)) problems.push(`${rel}: rule ${id} is not listed in ${relative(root, familyIndex)}`);
}
for (const doc of readdirSync(join(root, "docs/rules"))) {
  const id = doc.replace(/\.md$/, "");
  if (doc.endsWith(".md") && id !== "README" && !seen.has(id)) problems.push(`docs/rules/${doc}: no rule ${id} exists`);
}

const { renderReadme } = await import("./rule-index.mjs");
const index = readFileSync(join(root, "docs/rules/README.md"), "utf8");
if (renderReadme(index) !== index) problems.push("docs/rules/README.md: rule table is stale (run node tools/rule-index.mjs)");

// Safe-regex section: these expressions run on attacker bytes.
const { checkRegexesIn } = await import("./safe-regex.mjs");
for (const p of await checkRegexesIn(root, ["src/formats", "src/rules"])) problems.push(`${p} (rewrite it linearly, or add "safe-regex: <reason>" if it is not)`);

if (problems.length > 0) {
  console.error(`check-repo: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`check-repo: ok (${seen.size} rules, pure layers clean)`);
