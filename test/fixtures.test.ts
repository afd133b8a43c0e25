/**
 * Real-framework fixtures (fixtures/generate/gen_pickles.py, made with Debian's torch, numpy,
 * sklearn, joblib, dill and cloudpickle): every malicious file must be caught with the rules its
 * manifest names, every benign file must pass with nothing above low.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { atLeast } from "../src/core/finding.js";
import { scanBytes } from "../src/test-support/scan.js";

interface Entry {
  file: string;
  verdict: "clean" | "suspicious" | "unsafe" | "error";
  rules: string[];
  note?: string;
}

const base = new URL("../fixtures/pickle/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(`${base}manifest.json`, "utf8")) as Entry[];

describe("pickle fixtures from the real frameworks", () => {
  it("has a manifest", () => expect(manifest.length).toBeGreaterThan(50));
  for (const entry of manifest) {
    it(`${entry.file} is ${entry.verdict}${entry.rules.length ? ` with ${entry.rules.join(", ")}` : ""}`, async () => {
      const report = await scanBytes(readFileSync(base + entry.file), { path: entry.file });
      const ids = report.findings.map((f) => f.ruleId);
      const detail = JSON.stringify({ findings: report.findings.map((f) => `${f.severity} ${f.ruleId} ${f.message}`), errors: report.errors, notes: report.notes }, null, 1);
      expect(report.verdict, detail).toBe(entry.verdict);
      for (const rule of entry.rules) expect(ids, detail).toContain(rule);
      if (entry.verdict === "clean") {
        expect(report.findings.filter((f) => atLeast(f.severity, "medium")), detail).toEqual([]);
      }
    });
  }
});
