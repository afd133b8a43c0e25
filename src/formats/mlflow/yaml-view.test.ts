import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { RULES } from "../../rules/index.js";
import { FORMAT_HANDLERS } from "../index.js";

/** MLmodel is YAML: the YAML rules must see it (issue 9), and YAML limits must apply before its parser runs (issue 8). */
const scan = (text: string) => scanSource(new MemorySource(new TextEncoder().encode(text)), { path: "MLmodel", handlers: FORMAT_HANDLERS, rules: RULES });
const ids = async (text: string) => (await scan(text)).findings.map((f) => f.ruleId);
const BASE = "artifact_path: model\nflavors:\n  sklearn:\n    pickled_model: model.pkl\n    sklearn_version: 1.4.2\nmlflow_version: 2.12.1\n";

describe("MLmodel through the YAML rules", () => {
  it.each([
    ["!!python tag", "run_id: !!python/object/apply:os.system ['id']\n"],
    ["local !python tag", "run_id: !python/object/apply:os.system ['id']\n"],
    ["verbatim tag", "run_id: !<tag:yaml.org,2002:python/object/apply:os.system> ['id']\n"],
    ["tag in a second document", "---\nx: !!python/object/new:subprocess.Popen [['id']]\n"],
  ])("flags a %s with YML001", async (_name, extra) => {
    const report = await scan(BASE + extra);
    expect(report.formats).toEqual(expect.arrayContaining(["mlflow-model", "yaml-config"]));
    expect(report.findings.map((f) => f.ruleId)).toContain("YML001");
    expect(report.verdict).not.toBe("clean");
  });

  it("benign near-miss: a plain MLmodel and data tags stay clean", async () => {
    expect(await ids(BASE)).not.toContain("YML001");
    const report = await scan(BASE + "signature:\n  inputs: !!str '[{\"type\": \"double\"}]'\n  shape: !!python/tuple [1, 2]\n");
    expect(report.findings.filter((f) => f.severity !== "info" && f.severity !== "low")).toEqual([]);
    expect(report.verdict).toBe("clean");
  });

  it("refuses nested flow collections past the limit before composing (the 42 s MLmodel), as an error", async () => {
    const report = await scan(`flavors:\n  x: ${"[{".repeat(200)}\n`);
    expect(report.verdict).toBe("error");
    expect(report.errors.map((e) => e.message).join()).toContain("MAX_YAML_NESTING");
  });
});
