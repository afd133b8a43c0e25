/**
 * Outside yardstick: other scanners' own test samples (../shared/conformance/peers) with the
 * verdicts their suites expect. Every malicious sample must come out `unsafe`, every clean one
 * `clean`, except the entries in EXPECTED_GAPS, each with its reason. Samples labelled
 * `suspicious` are reported, not asserted (the label mixes intent and severity).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../src/core/byte-source.js";
import { scanSource } from "../src/engine/scan.js";
import { DISAGREEMENTS, EXPECTED_GAPS } from "./conformance-gaps.js";

const ROOT = new URL("../../shared/conformance/peers", import.meta.url).pathname;

interface Sample {
  suite: string;
  file: string;
  expected: string;
}

function samples(): Sample[] {
  if (!existsSync(ROOT)) return [];
  const out: Sample[] = [];
  for (const suite of readdirSync(ROOT).sort()) {
    const labels = join(ROOT, suite, "labels.tsv");
    if (!existsSync(labels)) continue;
    for (const line of readFileSync(labels, "utf8").split("\n").slice(1)) {
      const [file, expected] = line.split("\t");
      if (file && expected) out.push({ suite, file, expected });
    }
  }
  return out;
}

const all = samples();

describe.skipIf(all.length === 0)("conformance with peer scanners' samples", () => {
  if (all.length === 0) console.warn(`conformance: ${ROOT} is absent; skipped`);
  for (const sample of all) {
    const key = `${sample.suite}/${sample.file}`;
    const gap = EXPECTED_GAPS[key];
    const disagreement = DISAGREEMENTS[key];
    const wanted = sample.expected === "malicious" ? "unsafe" : sample.expected.startsWith("clean") ? "clean" : undefined;
    if (disagreement) {
      it(`${key} is ${disagreement.verdicts.join(" or ")} (differs from the peer label: ${disagreement.reason})`, async () => {
        const report = await scanSource(new MemorySource(readFileSync(join(ROOT, key))), { path: sample.file });
        expect(disagreement.verdicts).toContain(report.verdict);
      });
      continue;
    }
    if (wanted === undefined) continue;
    it.skipIf(gap !== undefined)(`${key} is ${wanted}${gap ? ` (gap: ${gap})` : ""}`, async () => {
      const bytes = readFileSync(join(ROOT, sample.suite, sample.file));
      const report = await scanSource(new MemorySource(bytes), { path: sample.file });
      expect(report.verdict, JSON.stringify({ findings: report.findings.map((f) => `${f.ruleId} ${f.message}`), errors: report.errors }, null, 1)).toBe(wanted);
    });
  }
  it("lists no gap for a sample that now passes or no longer exists", async () => {
    const stale: string[] = [];
    for (const [key] of Object.entries(EXPECTED_GAPS)) {
      const sample = all.find((s) => `${s.suite}/${s.file}` === key);
      if (!sample) {
        stale.push(`${key}: not in the labels`);
        continue;
      }
      const report = await scanSource(new MemorySource(readFileSync(join(ROOT, key))), { path: sample.file });
      const wanted = sample.expected === "malicious" ? "unsafe" : "clean";
      if (report.verdict === wanted) stale.push(`${key}: passes now`);
    }
    expect(stale).toEqual([]);
  });
});
