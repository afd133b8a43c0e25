#!/usr/bin/env node
// Writes the rule table in docs/rules/README.md (between the rules:start/end markers) from the
// rule files' meta. `--check` only verifies it is current (used by check-repo).
import { readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const readme = join(root, "docs/rules/README.md");

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/^[a-z]+\d{3}-[a-z0-9-]+\.ts$/.test(name) && !name.endsWith(".test.ts")) yield path;
  }
}

export function ruleTable() {
  const rows = [];
  const registry = readFileSync(join(root, "src/rules/index.ts"), "utf8");
  for (const file of files(join(root, "src/rules"))) {
    // Only registered rules: a rule file that is not in src/rules/index.ts does not run.
    if (!registry.includes(`./${file.slice(join(root, "src/rules").length + 1).replace(/\.ts$/, ".js")}`)) continue;
    const text = readFileSync(file, "utf8");
    const field = (name) => new RegExp(`${name}:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(text)?.[1];
    const id = field("id");
    if (id) rows.push({ id, title: field("title") ?? "", severity: field("defaultSeverity") ?? "" });
  }
  rows.sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
  return ["| ID | Title | Default severity |", "|---|---|---|", ...rows.map((r) => `| [${r.id}](${r.id}.md) | ${r.title.replace(/\|/g, "\\|")} | ${r.severity} |`)].join("\n");
}

export function renderReadme(text) {
  return text.replace(/<!-- rules:start -->[\s\S]*?<!-- rules:end -->/, `<!-- rules:start -->\n${ruleTable()}\n<!-- rules:end -->`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = readFileSync(readme, "utf8");
  const next = renderReadme(text);
  if (process.argv.includes("--check")) {
    if (next !== text) {
      console.error("docs/rules/README.md rule table is stale: run node tools/rule-index.mjs");
      process.exit(1);
    }
  } else {
    writeFileSync(readme, next);
  }
}
