import { defect, type Defect } from "../../core/defect.js";
import { SCRIPT_SCHEMES, excerpt, findKernelCall, urlScheme } from "../html/js-signals.js";
import { scanHtml } from "../html/scan-html.js";
import type { HtmlScan, HtmlSignal } from "../html/types.js";
import { htmlLimitDefects } from "../html/limit-defects.js";
import { HTML_MAX_SIGNALS } from "../html/limits.js";
import { findShellCommands, type ShellCommand } from "./magics.js";

/** Cells examined per notebook (CWE-770); real notebooks have hundreds at most. */
export const NOTEBOOK_MAX_CELLS = 100_000;

/** Shell commands kept per notebook; more are counted (CWE-770). */
export const NOTEBOOK_MAX_COMMANDS = 1_000;

/** Widget models examined (CWE-770). */
export const NOTEBOOK_MAX_WIDGETS = 10_000;

/** MIME types whose output is rendered as HTML (SVG and markdown can carry raw HTML and script). */
const HTML_MIMES = ["text/html", "image/svg+xml", "text/markdown"];

/** The nbformat document as rules see it. */
export interface NotebookDocument {
  nbformat: number;
  nbformatMinor: number;
  kernel?: string;
  language?: string;
  cells: number;
  /** Script-capable content in outputs, markdown, attachments and widget state. */
  html: HtmlScan;
  shellCommands: ShellCommand[];
  shellCommandsDropped: number;
}

/** A notebook document with nothing in it (for a file too large to parse). */
export function emptyNotebook(): NotebookDocument {
  return { nbformat: 0, nbformatMinor: 0, cells: 0, html: { signals: [], signalsDropped: 0, elements: 0 }, shellCommands: [], shellCommandsDropped: 0 };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** nbformat multiline strings: a string, or an array of strings to join. */
function text(v: Json | undefined): string | undefined {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((s) => typeof s === "string")) return (v as string[]).join("");
  return undefined;
}

/**
 * Reads a parsed `.ipynb` JSON value (nbformat 4, and 3's worksheets). Returns undefined when the
 * value is not a notebook.
 *
 * @example
 * readNotebook(JSON.parse(text))?.html.signals;
 */
export function readNotebook(root: Json): { document: NotebookDocument; defects: Defect[] } | undefined {
  if (!isObject(root) || typeof root["nbformat"] !== "number") return undefined;
  const cells = collectCells(root);
  if (!cells) return undefined;
  const defects: Defect[] = [];
  const metadata = isObject(root["metadata"]) ? root["metadata"] : {};
  const kernelspec = isObject(metadata["kernelspec"]) ? metadata["kernelspec"] : {};
  const languageInfo = isObject(metadata["language_info"]) ? metadata["language_info"] : {};
  const doc: NotebookDocument = {
    nbformat: root["nbformat"],
    nbformatMinor: typeof root["nbformat_minor"] === "number" ? root["nbformat_minor"] : 0,
    cells: cells.length,
    html: { signals: [], signalsDropped: 0, elements: 0 },
    shellCommands: [],
    shellCommandsDropped: 0,
  };
  if (typeof kernelspec["name"] === "string") doc.kernel = kernelspec["name"];
  if (typeof languageInfo["name"] === "string") doc.language = languageInfo["name"];
  if (cells.length > NOTEBOOK_MAX_CELLS) {
    defects.push(defect("limit-exceeded", `Notebook has ${cells.length} cells; only the first ${NOTEBOOK_MAX_CELLS} were examined`, { limit: "NOTEBOOK_MAX_CELLS" }));
  }
  cells.slice(0, NOTEBOOK_MAX_CELLS).forEach((cell, index) => readCell(doc, cell, index + 1));
  readWidgetState(doc, metadata);
  defects.push(...htmlLimitDefects(doc.html));
  return { document: doc, defects };
}

function collectCells(root: { [key: string]: Json }): Json[] | undefined {
  if (Array.isArray(root["cells"])) return root["cells"];
  // nbformat 3: worksheets[].cells[]
  if (Array.isArray(root["worksheets"])) return root["worksheets"].flatMap((w) => (isObject(w) && Array.isArray(w["cells"]) ? w["cells"] : []));
  return undefined;
}

function merge(doc: NotebookDocument, scan: HtmlScan): void {
  doc.html.elements += scan.elements;
  doc.html.signalsDropped += scan.signalsDropped;
  if (scan.scriptsTruncated) doc.html.scriptsTruncated = (doc.html.scriptsTruncated ?? 0) + scan.scriptsTruncated;
  if (scan.srcdocSkipped) doc.html.srcdocSkipped = (doc.html.srcdocSkipped ?? 0) + scan.srcdocSkipped;
  for (const signal of scan.signals) addSignal(doc, signal);
}

function addSignal(doc: NotebookDocument, signal: HtmlSignal): void {
  if (doc.html.signals.length >= HTML_MAX_SIGNALS) doc.html.signalsDropped++;
  else doc.html.signals.push(signal);
}

function readCell(doc: NotebookDocument, cell: Json, number: number): void {
  if (!isObject(cell)) return;
  const type = cell["cell_type"];
  const source = text(cell["source"]) ?? text(cell["input"]);
  if (type === "markdown" && source !== undefined) scanMarkdown(doc, source, `cell ${number} (markdown)`);
  if (type === "code" && source !== undefined) {
    for (const command of findShellCommands(source, number)) {
      if (doc.shellCommands.length >= NOTEBOOK_MAX_COMMANDS) doc.shellCommandsDropped++;
      else doc.shellCommands.push(command);
    }
  }
  if (isObject(cell["attachments"])) {
    for (const [name, bundle] of Object.entries(cell["attachments"])) {
      const svg = isObject(bundle) ? text(bundle["image/svg+xml"]) : undefined;
      const decoded = svg === undefined ? undefined : decodeAttachment(svg);
      if (decoded !== undefined) merge(doc, scanHtml(decoded, { where: `cell ${number}, attachment ${JSON.stringify(name)} (image/svg+xml)` }));
    }
  }
  if (Array.isArray(cell["outputs"])) cell["outputs"].forEach((output, i) => readOutput(doc, output, `cell ${number}, output ${i + 1}`));
}

/**
 * Markdown link and image targets: `[text](url)`, `![alt](url)`, `[ref]: url`. A label is at most
 * 999 characters (CommonMark), which also keeps `[^\]]` from rescanning to the end of the text
 * from every line that starts with `[` (quadratic on `[\n[\n…`).
 */
const MARKDOWN_LINK = /\]\(\s*<?([^)\s>]+)|^\s{0,3}\[[^\]]{1,999}\]:\s*<?(\S+?)>?\s*$/gm;

/** Markdown renders raw HTML and turns link syntax into `<a href>`: both are checked. */
function scanMarkdown(doc: NotebookDocument, source: string, where: string): void {
  merge(doc, scanHtml(source, { where }));
  for (const m of source.matchAll(MARKDOWN_LINK)) {
    const url = (m[1] ?? m[2]) as string;
    const scheme = urlScheme(url);
    if (scheme === undefined || !SCRIPT_SCHEMES.has(scheme)) continue;
    const signal: HtmlSignal = { kind: "javascript-url", tag: "a", attribute: "href", excerpt: excerpt(url), where: `${where}, markdown link` };
    const call = findKernelCall(url);
    if (call) signal.kernelCall = call;
    addSignal(doc, signal);
  }
}

/** Attachments are base64 (nbformat 4.5 schema); an undecodable one is scanned as text. */
function decodeAttachment(value: string): string | undefined {
  const clean = value.replace(/\s+/g, "");
  if (/^[A-Za-z0-9+/]*={0,2}$/.test(clean) && clean.length % 4 === 0) {
    return new TextDecoder("utf-8", { fatal: false }).decode(Uint8Array.from(globalThis.atob(clean), (c) => c.charCodeAt(0)));
  }
  return value;
}

function readOutput(doc: NotebookDocument, output: Json, where: string): void {
  if (!isObject(output)) return;
  // nbformat 4 keeps MIME bundles under `data`; nbformat 3 put short keys (html, javascript, svg) on the output itself.
  const bundle: { [key: string]: Json } = isObject(output["data"]) ? output["data"] : { "text/html": output["html"] ?? null, "application/javascript": output["javascript"] ?? null, "image/svg+xml": output["svg"] ?? null };
  for (const mime of HTML_MIMES) {
    const value = text(bundle[mime]);
    if (value === undefined) continue;
    if (mime === "text/markdown") scanMarkdown(doc, value, `${where} (${mime})`);
    else merge(doc, scanHtml(value, { where: `${where} (${mime})` }));
  }
  const js = text(bundle["application/javascript"]);
  if (js !== undefined && js.trim() !== "") {
    const signal: HtmlSignal = { kind: "javascript-output", tag: "output", excerpt: excerpt(js), where: `${where} (application/javascript)` };
    const call = findKernelCall(js);
    if (call) signal.kernelCall = call;
    addSignal(doc, signal);
  }
}

/** ipywidgets state saved in notebook metadata: HTML widgets render their `value`, Output widgets their outputs. */
function readWidgetState(doc: NotebookDocument, metadata: { [key: string]: Json }): void {
  const widgets = isObject(metadata["widgets"]) ? metadata["widgets"]["application/vnd.jupyter.widget-state+json"] : undefined;
  const state = isObject(widgets) && isObject(widgets["state"]) ? widgets["state"] : undefined;
  if (!state) return;
  for (const [id, model] of Object.entries(state).slice(0, NOTEBOOK_MAX_WIDGETS)) {
    if (!isObject(model) || !isObject(model["state"])) continue;
    const name = typeof model["model_name"] === "string" ? model["model_name"] : "widget";
    const value = model["state"]["value"];
    if (typeof value === "string" && /html|label|text/i.test(name) && value.includes("<")) merge(doc, scanHtml(value, { where: `widget ${id} (${name})` }));
    const outputs = model["state"]["outputs"];
    if (Array.isArray(outputs)) outputs.forEach((output, i) => readOutput(doc, output, `widget ${id} (${name}), output ${i + 1}`));
  }
}

export type { Json };
