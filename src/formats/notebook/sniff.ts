import type { FormatSniffer, SniffHint } from "../../core/handler.js";
import { utf8MayStartWith } from "../sniff-text.js";

/** JSON that opens with a notebook's top-level keys (json.dump sorts them: cells, metadata, nbformat). */
const NOTEBOOK_START = /^\s*\{\s*"(?:cells|metadata|nbformat|nbformat_minor|worksheets)"\s*:/;

export function sniffNotebook(head: Uint8Array, hint: SniffHint): "strong" | "weak" | "no" {
  if (!utf8MayStartWith(head, 0x7b)) return "no"; // both claims need `/^\s*\{/`; most heads are not text
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head).replace(/^\ufeff/, "");
  if (NOTEBOOK_START.test(text) && /"(?:cell_type|nbformat|kernelspec)"/.test(text)) return "strong";
  if (/^\s*\{/.test(text) && /\.ipynb$/i.test(hint.name)) return "weak";
  return "no";
}

export const notebookSniffer: FormatSniffer = { id: "jupyter-notebook", priority: 20, sniff: sniffNotebook };
