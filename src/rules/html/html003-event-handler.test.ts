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

describe("HTML003 event handler", () => {
  it("flags onerror in a card and onload in an SVG output", async () => {
    expect(await ids('<div><img src=x onerror="fetch(1)"></div>')).toContain("HTML003");
    expect(await ids(notebook({ "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>' }), "n.ipynb")).toContain("HTML003");
  });
  it("does not flag attributes that merely start with 'on' in their value or data-on names", async () => {
    expect(await ids('<div data-onclick="x" title="onerror=1" class="one">online</div>')).not.toContain("HTML003");
  });
});
