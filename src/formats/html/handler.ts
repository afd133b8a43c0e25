import { defect, type Defect } from "../../core/defect.js";
import type { FormatHandler } from "../../core/handler.js";
import { readRange } from "../java/source-reads.js";
import { htmlLimitDefects } from "./limit-defects.js";
import { HTML_MAX_BYTES } from "./limits.js";
import { scanHtml } from "./scan-html.js";
import { htmlSniffer, sniffHtml } from "./sniff.js";
import type { HtmlDocument } from "./types.js";
import { utf8Offsets } from "./utf8-offsets.js";

export { sniffHtml };

/**
 * HTML documents (MLflow recipe/step cards, exported reports, `*.html` next to a model):
 * parsed, never rendered, for script and for calls that reach a Jupyter kernel.
 *
 * @example
 * const analysis = await htmlHandler.analyze(source, ctx); // format "html"
 */
export const htmlHandler: FormatHandler = {
  ...htmlSniffer,
  async analyze(source) {
    const length = Math.min(source.size, HTML_MAX_BYTES);
    const bytes = await readRange(source, 0, length);
    const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    const html = scanHtml(text, { byteOffset: utf8Offsets(text) });
    if (html.elements === 0) return undefined;
    const defects: Defect[] = htmlLimitDefects(html);
    if (source.size > HTML_MAX_BYTES) {
      defects.push(defect("limit-exceeded", `HTML file is ${source.size} bytes; only the first ${HTML_MAX_BYTES} were parsed`, { limit: "HTML_MAX_BYTES" }));
    }
    const document: HtmlDocument = { html, bytes: length };
    const kinds = new Map<string, number>();
    for (const s of html.signals) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
    const summary = [...kinds].map(([k, n]) => `${n} ${k}`).join(", ");
    const notes = [`HTML document, ${html.elements} elements; script-capable content: ${summary || "none"}.`];
    return { format: "html", document, defects, notes };
  },
};
