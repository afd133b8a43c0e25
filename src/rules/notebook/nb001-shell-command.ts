import type { NotebookDocument } from "../../formats/notebook/parse.js";
import { defineRule } from "../types.js";
import { reportCommands } from "./shared.js";

export const nb001 = defineRule<NotebookDocument>({
  meta: {
    id: "NB001",
    slug: "notebook-shell-command",
    formats: ["jupyter-notebook"],
    title: "Notebook code cell runs shell commands",
    description: "A code cell uses a shell escape (!cmd), a shell cell magic (%%bash, %%sh, %%script) or %system/%sx: it runs a shell command when the cell is executed (not when the notebook is opened).",
    defaultSeverity: "low",
    confidence: "high",
    cwe: [78],
    references: ["https://ipython.readthedocs.io/en/stable/interactive/magics.html", "https://ipython.readthedocs.io/en/stable/interactive/reference.html#system-shell-access"],
  },
  check(doc, { report }) {
    reportCommands(doc, report, { kind: "shell", describe: (c) => `Cell ${c.cell}, line ${c.line} runs a shell command when executed` });
  },
});
