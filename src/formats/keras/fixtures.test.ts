import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULES } from "../../rules/index.js";
import { KERAS_RULES } from "../../rules/keras/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { hdf5Handler } from "../hdf5/handler.js";
import { FORMAT_HANDLERS } from "../index.js";
import { zipHandler } from "../zip/index.js";
import { kerasConfigHandler } from "./config-handler.js";

const ROOT = new URL("../../../fixtures/keras/", import.meta.url).pathname;
const PEERS = new URL("../../../../shared/conformance/peers/modelaudit/samples/keras/", import.meta.url).pathname;
const handlers = [...new Set([...FORMAT_HANDLERS, zipHandler, kerasConfigHandler, hdf5Handler])];
const rules = [...new Set([...RULES, ...KERAS_RULES])];

interface Entry {
  file: string;
  verdict: string;
  rules: string[];
  note: string;
}
const manifest = JSON.parse(readFileSync(`${ROOT}manifest.json`, "utf8")) as Entry[];
const scan = (bytes: Uint8Array, path: string) => scanBytes(bytes, { path, handlers, rules });

describe("Keras fixtures (fixtures/generate/gen_keras.py)", () => {
  for (const entry of manifest) {
    it(`${entry.file} is ${entry.verdict}${entry.rules.length ? ` with ${entry.rules.join(", ")}` : ""}`, async () => {
      const report = await scan(readFileSync(`${ROOT}${entry.file}`), entry.file.split("/").pop() ?? entry.file);
      const detail = JSON.stringify({ findings: report.findings.map((f) => `${f.ruleId} ${f.message}`), errors: report.errors, formats: report.formats }, null, 1);
      expect(report.verdict, detail).toBe(entry.verdict);
      for (const id of entry.rules) expect(report.findings.map((f) => f.ruleId), detail).toContain(id);
      if (entry.verdict === "clean") expect(report.findings, detail).toEqual([]);
      expect(report.formats, detail).toContain(entry.file.endsWith(".h5") ? "keras-h5" : "keras-config");
    });
  }
});

// The peer samples live in ../shared, which a plain clone does not have.
describe.skipIf(!existsSync(PEERS))(`modelaudit Keras samples (skipped: ${PEERS} absent)`, () => {
  it("malicious_lambda.h5 is unsafe (Lambda given as source text)", async () => {
    const report = await scan(readFileSync(`${PEERS}malicious_lambda.h5`), "malicious_lambda.h5");
    expect(report.verdict).toBe("unsafe");
    expect(report.findings.map((f) => f.ruleId)).toEqual(["KERAS001"]);
    expect(report.findings[0]?.evidence).toContain("eval(");
  });
  it("safe_model.h5 is clean", async () => {
    const report = await scan(readFileSync(`${PEERS}safe_model.h5`), "safe_model.h5");
    expect(report).toMatchObject({ verdict: "clean", formats: ["keras-h5"], findings: [], errors: [] });
  });
});
