import { test } from "vitest";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { scanBytes, ruleIds } from "../src/test-support/scan.js";
test("peek", async () => {
  const root = "../shared/conformance/peers";
  const out: string[] = [];
  for (const dir of readdirSync(root)) {
    const labels = join(root, dir, "labels.tsv");
    if (!existsSync(labels)) continue;
    for (const line of readFileSync(labels, "utf8").split("\n").slice(1)) {
      const [file, expected] = line.split("\t");
      if (!file) continue;
      const r = await scanBytes(readFileSync(join(root, dir, file)), { path: file });
      const ok = (expected === "malicious" && r.verdict === "unsafe") || (expected?.startsWith("clean") && r.verdict === "clean") || (expected === "suspicious" && r.verdict !== "clean");
      out.push(`${ok ? "OK  " : "FAIL"} ${dir}/${file} expected=${expected} got=${r.verdict} ${r.formats.join(",")} ${ruleIds(r).join(",")} ${r.errors.map((e) => e.code + ":" + e.message.slice(0, 80)).join(" | ")}`);
    }
  }
  (await import("node:fs")).writeFileSync("/tmp/peek.txt", out.join("\n"));
}, 120000);
