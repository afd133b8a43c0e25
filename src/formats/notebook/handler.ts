import { defect } from "../../core/defect.js";
import type { FormatHandler, SniffHint } from "../../core/handler.js";
import { readRange } from "../java/source-reads.js";
import { emptyNotebook, readNotebook, type Json } from "./parse.js";

/** Largest notebook parsed (CWE-400): outputs with images make notebooks tens of megabytes. */
export const NOTEBOOK_MAX_BYTES = 256 * 1024 * 1024;

/** JSON that opens with a notebook's top-level keys (json.dump sorts them: cells, metadata, nbformat). */
const NOTEBOOK_START = /^\s*\{\s*"(?:cells|metadata|nbformat|nbformat_minor|worksheets)"\s*:/;

export function sniffNotebook(head: Uint8Array, hint: SniffHint): "strong" | "weak" | "no" {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head).replace(/^\ufeff/, "");
  if (NOTEBOOK_START.test(text) && /"(?:cell_type|nbformat|kernelspec)"/.test(text)) return "strong";
  if (/^\s*\{/.test(text) && /\.ipynb$/i.test(hint.name)) return "weak";
  return "no";
}

/**
 * Jupyter notebooks (`.ipynb`, nbformat 3/4): outputs, markdown, attachments and widget state
 * are checked like HTML; code cells are listed for shell escapes and package installs.
 *
 * @example
 * const analysis = await notebookHandler.analyze(source, ctx); // format "jupyter-notebook"
 */
export const notebookHandler: FormatHandler = {
  id: "jupyter-notebook",
  priority: 20,
  sniff: sniffNotebook,
  async analyze(source) {
    if (source.size > NOTEBOOK_MAX_BYTES) {
      return { format: "jupyter-notebook", document: emptyNotebook(), defects: [defect("limit-exceeded", `Notebook is ${source.size} bytes, over the ${NOTEBOOK_MAX_BYTES}-byte limit; not parsed`, { limit: "NOTEBOOK_MAX_BYTES" })] };
    }
    const text = new TextDecoder("utf-8", { fatal: false }).decode(await readRange(source, 0, source.size));
    let root: Json;
    try {
      root = JSON.parse(text) as Json;
    } catch {
      // JSON.parse has no non-throwing form; a file that is not JSON is simply not a notebook.
      return undefined;
    }
    const read = readNotebook(root);
    if (!read) return undefined;
    const { document, defects } = read;
    const shell = document.shellCommands.filter((c) => c.kind === "shell").length;
    const installs = document.shellCommands.length - shell;
    const notes = [
      `Jupyter notebook (nbformat ${document.nbformat}.${document.nbformatMinor}, kernel ${document.kernel ?? "unknown"}), ${document.cells} cells; ${document.html.signals.length} script-capable item(s) in outputs/markdown/widgets; ${shell} shell line(s) and ${installs} package install(s) in code cells (these run only when the cell is executed).`,
    ];
    return { format: "jupyter-notebook", document, defects, notes };
  },
};
