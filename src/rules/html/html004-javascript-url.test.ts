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

describe("HTML004 javascript: URL", () => {
  it("flags entity-encoded, tab-split and meta-refresh script URLs", async () => {
    const report = await scan('<!DOCTYPE html><a href="jav&#x09;ascript:alert(1)">a</a><form action="&#106;avascript:x()"></form><meta http-equiv="refresh" content="0;url=javascript:x()">');
    expect(report.findings.filter((f) => f.ruleId === "HTML004")).toHaveLength(3);
  });
  it("flags a markdown link in a notebook", async () => {
    const nb = JSON.stringify({ cells: [{ cell_type: "markdown", id: "m", metadata: {}, source: "[go](javascript:alert(1))" }], metadata: {}, nbformat: 4, nbformat_minor: 5 });
    expect(await ids(nb, "n.ipynb")).toContain("HTML004");
  });
  it("does not flag https links whose path says javascript", async () => {
    expect(await ids('<!DOCTYPE html><a href="https://developer.mozilla.org/en-US/docs/Web/JavaScript">js</a><a href="javascript.html">x</a>')).not.toContain("HTML004");
  });
});
