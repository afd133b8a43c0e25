/**
 * The peer scanners' samples for the formats of this folder family (safetensors, chat templates,
 * JSON and YAML configs) with the safe-format handlers and rules added, whether or not they are
 * registered yet. Malicious must come out unsafe, clean clean, suspicious at least suspicious,
 * except the label disagreements listed with their reasons.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scanSafeFormats } from "../../test-support/safetensors-builder.js";

const PEERS = new URL("../../../../shared/conformance/peers", import.meta.url).pathname;
const MINE = /^(?:samples\/(?:safetensors|jinja2|manifests)\/|scenarios\/.*\.json$|config_)/;

/** Samples whose label we knowingly do not reach, and why. */
const DISAGREEMENTS: Record<string, string> = {
  "modelaudit/samples/jinja2/tokenizer_config.json":
    "labelled clean by directory convention, but its chat_template is the CVE-2024-34359 payload ([].__class__.__base__.__subclasses__() ... os.system): unsafe is right",
};

interface Sample {
  key: string;
  file: string;
  expected: string;
}

function samples(): Sample[] {
  const out: Sample[] = [];
  for (const suite of ["modelaudit", "modelaudit-comparisons"]) {
    const labels = join(PEERS, suite, "labels.tsv");
    if (!existsSync(labels)) continue;
    for (const line of readFileSync(labels, "utf8").split("\n").slice(1)) {
      const [file, expected] = line.split("\t");
      if (file && expected && MINE.test(file)) out.push({ key: `${suite}/${file}`, file, expected });
    }
  }
  return out;
}

const all = samples();

describe.skipIf(all.length === 0)("peer samples for safetensors, templates and configs", () => {
  for (const s of all) {
    const wanted = s.expected === "malicious" ? ["unsafe"] : s.expected === "clean" ? ["clean"] : ["suspicious", "unsafe"];
    const gap = DISAGREEMENTS[s.key];
    it(`${s.key} is ${wanted.join(" or ")}${gap ? " (label disagreement)" : ""}`, async () => {
      const report = await scanSafeFormats(readFileSync(join(PEERS, s.key)), s.file);
      const detail = JSON.stringify({ formats: report.formats, findings: report.findings.map((f) => `${f.severity} ${f.ruleId} ${f.message}`), errors: report.errors });
      if (gap) expect(report.verdict, detail).toBe("unsafe");
      else expect(wanted, detail).toContain(report.verdict);
    });
  }
});
