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

describe("HTML005 embedded document", () => {
  it("flags iframe srcdoc, object and embed", async () => {
    const report = await scan('<!DOCTYPE html><iframe srcdoc="&lt;b&gt;hi&lt;/b&gt;"></iframe><object data="x.pdf"></object><embed src="y.swf">');
    expect(report.findings.filter((f) => f.ruleId === "HTML005")).toHaveLength(3);
    expect(report.verdict).toBe("suspicious");
  });
  it("does not flag an iframe with an ordinary https src", async () => {
    expect(await ids('<!DOCTYPE html><iframe src="https://example.invalid/report"></iframe><img src="data:image/png;base64,AAAA">')).not.toContain("HTML005");
  });
});
