import { defect, type Defect } from "../../core/defect.js";
import type { FormatHandler, SniffHint } from "../../core/handler.js";
import { readRange } from "../java/source-reads.js";
import { htmlLimitDefects } from "./limit-defects.js";
import { HTML_MAX_BYTES } from "./limits.js";
import { scanHtml } from "./scan-html.js";
import type { HtmlDocument } from "./types.js";
import { utf8Offsets } from "./utf8-offsets.js";

/** How far into the head the first tag may start (leading whitespace, BOM, comments). */
const SNIFF_WINDOW = 1024;

/** Elements that mark HTML (or SVG, which runs script the same way) near the start of a file. */
const HTML_START = /<(?:script|div|iframe|body|head|svg|meta|table|p|span|a|img|style|form|object|embed|title|link|h[1-6]|pre|ul|section)[\s/>]/i;

/**
 * Sniffs HTML by content: strong on a doctype or `<html` at the start, weak when the first
 * non-space byte opens a common HTML element (cards, exported reports, SVG images).
 */
export function sniffHtml(head: Uint8Array, _hint: SniffHint): "strong" | "weak" | "no" {
  const text = new TextDecoder("latin1").decode(head.subarray(0, SNIFF_WINDOW)).replace(/^\u00ef\u00bb\u00bf/, "");
  const start = text.slice(afterSpaceAndComments(text));
  if (/^<!doctype\s+html/i.test(start) || /^<html[\s>]/i.test(start)) return "strong";
  if (/^<\?xml/i.test(start)) return /<(?:html|svg)[\s>]/i.test(start) ? "weak" : "no";
  if (start.startsWith("<") && HTML_START.test(start)) return "weak";
  return "no";
}

/** Offset past leading whitespace and complete `<!-- … -->` comments (a loop: linear by construction). */
function afterSpaceAndComments(text: string): number {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (!text.startsWith("<!--", i)) return i;
    const end = text.indexOf("-->", i + 4);
    if (end < 0) return i;
    i = end + 3;
  }
}

/**
 * HTML documents (MLflow recipe/step cards, exported reports, `*.html` next to a model):
 * parsed, never rendered, for script and for calls that reach a Jupyter kernel.
 *
 * @example
 * const analysis = await htmlHandler.analyze(source, ctx); // format "html"
 */
export const htmlHandler: FormatHandler = {
  id: "html",
  priority: 5,
  sniff: sniffHtml,
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
