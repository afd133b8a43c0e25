import type { FormatSniffer, SniffHint } from "../../core/handler.js";
import { latin1MayStartWith } from "../sniff-text.js";

/** How far into the head the first tag may start (leading whitespace, BOM, comments). */
const SNIFF_WINDOW = 1024;

/** Elements that mark HTML (or SVG, which runs script the same way) near the start of a file. */
const HTML_START = /<(?:script|div|iframe|body|head|svg|meta|table|p|span|a|img|style|form|object|embed|title|link|h[1-6]|pre|ul|section)[\s/>]/i;

/**
 * Sniffs HTML by content: strong on a doctype or `<html` at the start, weak when the first
 * non-space byte opens a common HTML element (cards, exported reports, SVG images).
 */
export function sniffHtml(head: Uint8Array, _hint: SniffHint): "strong" | "weak" | "no" {
  // Every claim below starts at a "<" (a comment too): most heads are not text at all.
  if (!latin1MayStartWith(head.subarray(0, SNIFF_WINDOW), 0x3c)) return "no";
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

export const htmlSniffer: FormatSniffer = { id: "html", priority: 5, sniff: sniffHtml };
