import { defect } from "../../core/defect.js";
import type { FormatHandler } from "../../core/handler.js";
import { readRange } from "../java/source-reads.js";
import { toPlain } from "../json/plain.js";
import { parseJson, PYTHON_JSON } from "../json/reader.js";
import { emptyNotebook, readNotebook, type Json } from "./parse.js";
import { notebookSniffer, sniffNotebook } from "./sniff.js";

export { sniffNotebook };

/** Largest notebook parsed (CWE-400): outputs with images make notebooks tens of megabytes. */
export const NOTEBOOK_MAX_BYTES = 256 * 1024 * 1024;
/** JSON nesting in a notebook (CWE-674): nbformat nests about six levels, widget state a few more. */
export const NOTEBOOK_MAX_DEPTH = 512;
/** JSON values in a notebook (CWE-770): output lines are one value each; 256 MiB of them is about this many. */
export const NOTEBOOK_MAX_NODES = 8_000_000;

/**
 * Jupyter notebooks (`.ipynb`, nbformat 3/4): outputs, markdown, attachments and widget state
 * are checked like HTML; code cells are listed for shell escapes and package installs.
 *
 * @example
 * const analysis = await notebookHandler.analyze(source, ctx); // format "jupyter-notebook"
 */
export const notebookHandler: FormatHandler = {
  ...notebookSniffer,
  async analyze(source, ctx) {
    if (source.size > NOTEBOOK_MAX_BYTES) {
      return { format: "jupyter-notebook", document: emptyNotebook(), defects: [defect("limit-exceeded", `Notebook is ${source.size} bytes, over the ${NOTEBOOK_MAX_BYTES}-byte limit; not parsed`, { limit: "NOTEBOOK_MAX_BYTES" })] };
    }
    const bytes = await readRange(source, 0, source.size);
    // Python's json, as nbformat reads it: NaN and Infinity are values, not reasons to decline.
    const parsed = parseJson(bytes, { ...PYTHON_JSON, maxDepth: NOTEBOOK_MAX_DEPTH, maxNodes: NOTEBOOK_MAX_NODES });
    if (!parsed.ok) {
      // A file that sniffed as a notebook and does not parse (truncated, nested past the limit) was
      // not checked: an error, never a silent "not a model".
      if (sniffNotebook(bytes.subarray(0, 4096), { name: ctx.name, size: source.size, parents: ctx.parents }) === "no") return undefined;
      const limit = parsed.code === "depth" ? "NOTEBOOK_MAX_DEPTH" : parsed.code === "nodes" ? "NOTEBOOK_MAX_NODES" : undefined;
      const d = limit === undefined
        ? defect("notebook-invalid-json", `Notebook is not valid JSON (${parsed.message} at byte ${parsed.offset}); its cells were not checked`, { offset: parsed.offset })
        : defect("limit-exceeded", `Notebook not parsed: ${parsed.message} (limit ${limit}); its cells were not checked`, { offset: parsed.offset, limit });
      return { format: "jupyter-notebook", document: emptyNotebook(), defects: [d] };
    }
    const read = readNotebook(toPlain(parsed.value) as Json);
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
