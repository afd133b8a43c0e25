export { htmlHandler, sniffHtml } from "./handler.js";
export { scanHtml, type ScanHtmlOptions } from "./scan-html.js";
export { findKernelCall, urlScheme } from "./js-signals.js";
export type { HtmlDocument, HtmlScan, HtmlSignal, HtmlSignalKind } from "./types.js";
