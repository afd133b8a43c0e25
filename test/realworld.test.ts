/**
 * Ordinary files made the way people make them (fixtures/generate/gen_realworld.py, Debian's
 * torch, torchvision, pandas, statsmodels, gensim, xgboost, scikit-learn, scipy, omegaconf, pytz;
 * look-alike modules where a library is not in Debian): every one must scan clean, with nothing
 * above info (issue 9).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scanBytes } from "../src/test-support/scan.js";

interface Entry {
  file: string;
  family: string;
  verdict: "clean";
  libs: Record<string, string | null>;
  note: string;
}

const base = new URL("../fixtures/realworld/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(`${base}manifest.json`, "utf8")) as Entry[];

describe("real-world artefacts scan clean", () => {
  it("covers every family the issue names", () => {
    const families = new Set(manifest.map((e) => e.family));
    for (const family of ["hf-trainer", "lightning", "torchvision", "timm", "yolo", "pandas", "statsmodels", "gensim", "scipy", "xgboost", "sklearn", "stdlib"]) {
      expect(families).toContain(family);
    }
  });
  for (const entry of manifest) {
    it(`${entry.file} has no finding above info`, async () => {
      const report = await scanBytes(readFileSync(base + entry.file), { path: entry.file });
      const above = report.findings.filter((f) => f.severity !== "info").map((f) => `${f.severity} ${f.ruleId} ${f.message}`);
      expect(above, JSON.stringify({ errors: report.errors, notes: report.notes })).toEqual([]);
      expect(report.verdict).toBe("clean");
    });
  }
});
