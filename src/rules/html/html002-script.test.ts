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

describe("HTML002 script", () => {
  it("flags inline and external script", async () => {
    const report = await scan('<!DOCTYPE html><script src="https://cdn.invalid/a.js"></script><script>track()</script>');
    expect(report.findings.filter((f) => f.ruleId === "HTML002")).toHaveLength(2);
  });
  it("flags an application/javascript notebook output", async () => {
    expect(await ids(notebook({ "application/javascript": "element.text('hi')" }), "n.ipynb")).toContain("HTML002");
  });
  it("does not flag JSON data blocks or text that only mentions <script>", async () => {
    expect(await ids('<!DOCTYPE html><script type="application/ld+json">{"@type":"Dataset"}</script><p>&lt;script&gt; is escaped</p>')).not.toContain("HTML002");
  });
});
