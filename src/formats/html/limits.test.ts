import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { RULES } from "../../rules/index.js";
import { FORMAT_HANDLERS } from "../index.js";
import { HTML_MAX_SCRIPT_CHARS, HTML_MAX_SRCDOC_DEPTH } from "./limits.js";

const scan = (html: string, path = "card.html") => scanSource(new MemorySource(new TextEncoder().encode(html)), { path, handlers: FORMAT_HANDLERS, rules: RULES });
const page = (code: string) => `<!doctype html><html><body><script>${code}</script></body></html>`;
const KERNEL = 'Jupyter.notebook.kernel.execute("import os")';

describe("HTML limits speak", () => {
  it("a kernel call past HTML_MAX_SCRIPT_CHARS makes the file an error naming the limit", async () => {
    const report = await scan(page(`var pad = "${"x".repeat(HTML_MAX_SCRIPT_CHARS)}"; ${KERNEL};`));
    expect(report.verdict).not.toBe("clean");
    expect(report.errors.map((e) => e.message).join()).toContain("HTML_MAX_SCRIPT_CHARS");
  });

  it("benign near-miss: a script just under the limit is searched whole and raises no limit error", async () => {
    const code = `var pad = "${"x".repeat(HTML_MAX_SCRIPT_CHARS - 20)}";`;
    const report = await scan(page(code.slice(0, HTML_MAX_SCRIPT_CHARS)));
    expect(report.errors).toEqual([]);
  });

  it("srcdoc nested past HTML_MAX_SRCDOC_DEPTH is an error naming the limit; at the limit it is parsed", async () => {
    const nest = (depth: number): string => {
      let inner = "<script>x()</script>";
      for (let i = 0; i < depth; i++) inner = `<iframe srcdoc="${inner.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"></iframe>`;
      return `<!doctype html><html><body>${inner}</body></html>`;
    };
    expect((await scan(nest(HTML_MAX_SRCDOC_DEPTH))).errors).toEqual([]);
    const over = await scan(nest(HTML_MAX_SRCDOC_DEPTH + 1));
    expect(over.verdict).not.toBe("clean");
    expect(over.errors.map((e) => e.message).join()).toContain("HTML_MAX_SRCDOC_DEPTH");
  });
});
