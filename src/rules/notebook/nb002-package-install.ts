import type { NotebookDocument } from "../../formats/notebook/parse.js";
import { defineRule } from "../types.js";
import { reportCommands } from "./shared.js";

export const nb002 = defineRule<NotebookDocument>({
  meta: {
    id: "NB002",
    slug: "notebook-package-install",
    formats: ["jupyter-notebook"],
    title: "Notebook code cell installs packages",
    description: "A code cell installs packages (%pip install, !pip install, conda/mamba/apt install): executing it runs the packages' install code and can pull from any index or URL the line names.",
    defaultSeverity: "low",
    confidence: "high",
    cwe: [494, 829],
    references: ["https://ipython.readthedocs.io/en/stable/interactive/magics.html#magic-pip", "https://pip.pypa.io/en/stable/topics/secure-installs/"],
  },
  check(doc, { report }) {
    reportCommands(doc, report, { kind: "install", describe: (c) => `Cell ${c.cell}, line ${c.line} installs packages when executed` });
  },
});
