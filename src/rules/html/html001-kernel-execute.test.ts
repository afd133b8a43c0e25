import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { htmlHandler } from "../../formats/html/index.js";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { notebookHandler } from "../../formats/notebook/index.js";
import { RULES } from "../index.js";
import { HTML_RULES } from "./index.js";

const scan = (text: string, path = "card.html") =>
  scanSource(new MemorySource(new TextEncoder().encode(text)), { path, handlers: [...FORMAT_HANDLERS, htmlHandler, notebookHandler], rules: [...RULES, ...HTML_RULES] });
const ids = async (text: string, path?: string) => (await scan(text, path)).findings.map((f) => f.ruleId);
const notebook = (data: Record<string, string>) =>
  JSON.stringify({ cells: [{ cell_type: "code", execution_count: 1, id: "a", metadata: {}, outputs: [{ data, metadata: {}, output_type: "display_data" }], source: "show()" }], metadata: {}, nbformat: 4, nbformat_minor: 5 });

describe("HTML001 kernel execute", () => {
  it("flags a card script that runs Python through the classic notebook kernel", async () => {
    const report = await scan("<!DOCTYPE html><html><body><script>Jupyter.notebook.kernel.execute('import os')</script></body></html>");
    expect(report.findings.find((f) => f.ruleId === "HTML001")?.severity).toBe("critical");
  });
  it("flags a notebook javascript output using JupyterLab requestExecute", async () => {
    expect(await ids(notebook({ "application/javascript": "kernel.requestExecute({code: 'x'})" }), "n.ipynb")).toContain("HTML001");
  });
  it("does not fire on page script that never touches the kernel", async () => {
    const found = await ids("<!DOCTYPE html><script>document.querySelector('.tab').addEventListener('click', () => run())</script>");
    expect(found).toContain("HTML002");
    expect(found).not.toContain("HTML001");
  });
});
