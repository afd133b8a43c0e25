import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { testScanContext } from "../../test-support/scan-context.js";
import { everySource } from "../../test-support/stingy-source.js";
import { htmlHandler, sniffHtml } from "./handler.js";
import { findKernelCall, urlScheme } from "./js-signals.js";
import { scanHtml } from "./scan-html.js";
import type { HtmlDocument } from "./types.js";

const kinds = (html: string): string[] => scanHtml(html).signals.map((s) => s.kind);
const hint = { name: "card.html", size: 10, parents: [] };

describe("sniffHtml", () => {
  it("is strong on a doctype or <html>, weak on a leading element, no on other text", () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(sniffHtml(enc("\ufeff  <!DOCTYPE html><html>"), hint)).toBe("strong");
    expect(sniffHtml(enc("<!-- card --><html lang=en>"), hint)).toBe("strong");
    expect(sniffHtml(enc("<div class=x>hi</div>"), hint)).toBe("weak");
    expect(sniffHtml(enc("<?xml version='1.0'?><PMML/>"), hint)).toBe("no");
    expect(sniffHtml(enc("a < b and <div>"), hint)).toBe("no");
  });
});

describe("scanHtml", () => {
  it("finds inline and external scripts but not data blocks", () => {
    expect(kinds('<script>alert(1)</script><script src="https://cdn.invalid/x.js"></script>')).toEqual(["script", "script-src"]);
    expect(kinds('<script type="application/json">{"a":1}</script><script type="application/vnd.jupyter.widget-state+json">{}</script>')).toEqual([]);
  });
  it("finds event handlers in HTML and SVG", () => {
    expect(kinds('<img src=x onerror="alert(1)"><svg onload=alert(1)></svg>')).toEqual(["event-handler", "event-handler"]);
  });
  it("decodes entity-encoded and whitespace-split javascript: URLs like a browser", () => {
    for (const href of ["jav&#x09;ascript:alert(1)", "&#106;avascript:alert(1)", " \u0001javascript:alert(1)", "JaVaScRiPt&colon;alert(1)", "java\nscript:alert(1)"]) {
      expect(kinds(`<a href="${href}">x</a>`), href).toEqual(["javascript-url"]);
    }
    expect(kinds('<a href="https://example.invalid/javascript:x">x</a><a href="#javascript">y</a>')).toEqual([]);
  });
  it("parses iframe srcdoc and reports what is inside it", () => {
    const scan = scanHtml('<iframe srcdoc="&lt;script&gt;IPython.notebook.kernel.execute(1)&lt;/script&gt;"></iframe>');
    expect(scan.signals.map((s) => [s.kind, s.where ?? "", s.kernelCall ?? ""])).toEqual([
      ["iframe-srcdoc", "", ""],
      ["script", "iframe srcdoc", "IPython.notebook.kernel.execute"],
    ]);
  });
  it("stops parsing srcdoc nested deeper than the limit", () => {
    let html = "<script>deep()</script>";
    for (let i = 0; i < 6; i++) html = `<iframe srcdoc="${html.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"></iframe>`;
    expect(kinds(html).filter((k) => k === "script")).toEqual([]);
  });
  it("finds object, embed, data: frames and meta refresh to javascript:", () => {
    expect(kinds('<object data="x.swf"></object><embed src="y"><iframe src="data:text/html,<b>"></iframe><meta http-equiv="Refresh" content="0;URL=\'javascript:alert(1)\'">')).toEqual([
      "embedded-content",
      "embedded-content",
      "embedded-content",
      "javascript-url",
    ]);
  });
  it("reports byte offsets through multi-byte text", async () => {
    const bytes = new TextEncoder().encode("<p>héllo ✓</p><img onerror=x>");
    const analysis = await htmlHandler.analyze(everySource(bytes)[1]!.make(), testScanContext());
    const signal = (analysis?.document as HtmlDocument).html.signals[0];
    expect(signal?.offset).toBe(new TextEncoder().encode("<p>héllo ✓</p>").length);
  });
});

describe("findKernelCall", () => {
  it("matches classic, JupyterLab and websocket routes", () => {
    expect(findKernelCall("Jupyter.notebook.kernel.execute('x')")).toBe("Jupyter.notebook.kernel.execute");
    expect(findKernelCall("app.sessionContext.session.kernel.requestExecute({code})")).toBeDefined();
    expect(findKernelCall('kernel["execute"]("x")')).toBeDefined();
    expect(findKernelCall("IPython.notebook.execute_cells_below()")).toBeDefined();
    expect(findKernelCall("new WebSocket(base + '/api/kernels/abc/channels')")).toBeDefined();
  });
  it("looks inside literal atob and fromCharCode strings", () => {
    expect(findKernelCall(`eval(atob("${btoa("Jupyter.notebook.kernel.execute('1')")}"))`)).toMatch(/inside atob/);
    const codes = [..."kernel.execute(1)"].map((c) => c.charCodeAt(0)).join(",");
    expect(findKernelCall(`eval(String.fromCharCode(${codes}))`)).toMatch(/fromCharCode/);
  });
  it("ignores ordinary page script", () => {
    expect(findKernelCall("document.getElementById('x').addEventListener('click', f); const execute = 1;")).toBeUndefined();
    expect(findKernelCall('atob("%%%%not base64%%%%")')).toBeUndefined();
  });
  it("reads URL schemes as a browser does", () => {
    expect(urlScheme("\u0000 java\tscript:x")).toBe("javascript");
    expect(urlScheme("./javascript:x")).toBeUndefined();
  });
});

describe("htmlHandler on fixtures", () => {
  const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/mlflow/${name}`, import.meta.url)));
  for (const { name, make } of everySource(fixture("malicious/recipe_card_kernel_execute.html"))) {
    it(`finds the kernel call in an injected recipe card (${name} source)`, async () => {
      const analysis = await htmlHandler.analyze(make(), testScanContext());
      const doc = analysis?.document as HtmlDocument;
      expect(doc.html.signals.map((s) => s.kernelCall)).toEqual(["Jupyter.notebook.kernel.execute"]);
    });
  }
  it("returns undefined for text without elements", async () => {
    const source = everySource(new TextEncoder().encode("<<<< not html"))[0]!.make();
    expect(await htmlHandler.analyze(source, testScanContext())).toBeUndefined();
  });
});

describe("scanHtml robustness", () => {
  it("never throws on arbitrary text and keeps signals bounded", async () => {
    const fc = (await import("fast-check")).default;
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const scan = scanHtml(`<div ${text}>${text}<script>${text}</script><a href="${text}">`);
        expect(scan.signals.length).toBeLessThanOrEqual(2000);
      }),
      { numRuns: 500 },
    );
  });
  it("counts signals past the limit instead of keeping them", () => {
    const scan = scanHtml("<img onerror=x>".repeat(2100));
    expect(scan.signals).toHaveLength(2000);
    expect(scan.signalsDropped).toBe(100);
  });
});
