import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { notebookHandler } from "../../formats/notebook/index.js";
import { RULES } from "../index.js";
import { NOTEBOOK_RULES } from "./index.js";

const nb = (source: string) => JSON.stringify({ cells: [{ cell_type: "code", execution_count: null, id: "c", metadata: {}, outputs: [], source }], metadata: {}, nbformat: 4, nbformat_minor: 5 });
const scan = (text: string) => scanSource(new MemorySource(new TextEncoder().encode(text)), { path: "n.ipynb", handlers: [...FORMAT_HANDLERS, notebookHandler], rules: [...RULES, ...NOTEBOOK_RULES] });

describe("NB002 package install", () => {
  it("flags %pip, !pip and conda installs", async () => {
    const report = await scan(nb("%pip install --index-url https://x.invalid/simple torch\n!conda install -y numpy\n!python -m pip install git+https://x.invalid/r"));
    expect(report.findings.filter((f) => f.ruleId === "NB002")).toHaveLength(3);
  });
  it("does not flag pip list or a string mentioning pip install", async () => {
    const report = await scan(nb("%pip list\nmsg = 'run pip install x'"));
    expect(report.findings.map((f) => f.ruleId)).not.toContain("NB002");
  });
});
