import type { HtmlScan, HtmlSignal } from "../../formats/html/types.js";
import type { Hit } from "../types.js";

/** Formats whose documents carry an `html` scan: HTML files and notebooks (their outputs and markdown). */
export const HTML_FORMATS = ["html", "jupyter-notebook"] as const;

/** Any document with HTML signals. */
export interface WithHtml {
  html: HtmlScan;
}

/** Findings one rule reports per document before summarising the rest in one more. */
export const MAX_REPORTS_PER_RULE = 25;

/** Reports each matching signal, then one line for what was left over. */
export function reportSignals(doc: WithHtml, report: (hit: Hit) => void, options: { select: (s: HtmlSignal) => boolean; describe: (s: HtmlSignal) => string }): void {
  const { select, describe } = options;
  const matching = doc.html.signals.filter(select);
  for (const signal of matching.slice(0, MAX_REPORTS_PER_RULE)) {
    const hit: Hit = { message: `${describe(signal)}${place(signal)}`, evidence: signal.kernelCall ? `${signal.kernelCall} in: ${signal.excerpt}` : signal.excerpt };
    if (signal.offset !== undefined) hit.offset = signal.offset;
    report(hit);
  }
  if (matching.length > MAX_REPORTS_PER_RULE) {
    report({ message: `${matching.length - MAX_REPORTS_PER_RULE} more of the same were not listed` });
  }
}

function place(signal: HtmlSignal): string {
  return signal.where ? ` (${signal.where})` : "";
}

/** How a signal reads at the start of a message: "Inline <script>", "<img onerror> handler", ... */
export function label(signal: HtmlSignal): string {
  switch (signal.kind) {
    case "script":
      return "Inline <script>";
    case "script-src":
      return "<script src>";
    case "javascript-output":
      return "application/javascript output";
    case "event-handler":
      return `${tagText(signal)} event handler`;
    case "javascript-url":
      return `script URL in ${tagText(signal)}`;
    default:
      return tagText(signal);
  }
}

export function tagText(signal: HtmlSignal): string {
  return signal.attribute ? `<${signal.tag} ${signal.attribute}>` : `<${signal.tag}>`;
}
