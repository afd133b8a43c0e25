import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../index.js";
import { RULES } from "../../rules/index.js";
import { ONNX_RULES } from "../../rules/onnx/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { everySource } from "../../test-support/stingy-source.js";
import { parseOnnx } from "./parse.js";
import { onnxHandler } from "./handler.js";

const ROOT = new URL("../../../fixtures/onnx/", import.meta.url).pathname;
const handlers = [...new Set([...FORMAT_HANDLERS, onnxHandler])];
const rules = [...new Set([...RULES, ...ONNX_RULES])];

interface Entry {
  file: string;
  verdict: string;
  rules: string[];
  note: string;
}
const manifest = JSON.parse(readFileSync(`${ROOT}manifest.json`, "utf8")) as Entry[];

describe("ONNX fixtures (fixtures/generate/gen_onnx.py)", () => {
  for (const entry of manifest) {
    it(`${entry.file} is ${entry.verdict}${entry.rules.length ? ` with ${entry.rules.join(", ")}` : ""}`, async () => {
      const bytes = readFileSync(`${ROOT}${entry.file}`);
      const report = await scanBytes(bytes, { path: entry.file.split("/").pop() ?? entry.file, handlers, rules });
      const detail = JSON.stringify({ findings: report.findings.map((f) => `${f.ruleId} ${f.message}`), errors: report.errors, formats: report.formats }, null, 1);
      expect(report.verdict, detail).toBe(entry.verdict);
      for (const id of entry.rules) expect(report.findings.map((f) => f.ruleId), detail).toContain(id);
      if (entry.file.endsWith(".onnx")) expect(report.formats, detail).toEqual(["onnx"]);
    });
  }

  it("parses the same through every source, including a stingy one", async () => {
    const bytes = readFileSync(`${ROOT}benign/if_loop_subgraphs.onnx`);
    const seen: string[] = [];
    for (const { make } of everySource(bytes)) {
      const { document, defects, convincing } = await parseOnnx(make());
      expect(defects).toEqual([]);
      expect(convincing).toBe(true);
      seen.push(JSON.stringify(document));
    }
    expect(new Set(seen).size).toBe(1);
    const doc = JSON.parse(seen[0] ?? "{}") as { graphs: number; maxGraphDepth: number; ops: { opType: string }[] };
    expect(doc.graphs).toBe(4);
    expect(doc.maxGraphDepth).toBe(2);
    expect(doc.ops.map((o) => o.opType).sort()).toEqual(["Identity", "If", "Loop", "Relu"]);
  });
});
