import type { TemplateDocument } from "../../formats/jinja/types.js";
import { defineRule } from "../types.js";
import { TEMPLATE_FORMATS } from "./shared.js";

export const tpl006 = defineRule<TemplateDocument>({
  meta: {
    id: "TPL006",
    slug: "template-unparsed",
    formats: TEMPLATE_FORMATS,
    title: "Chat template does not parse",
    description: "`@huggingface/jinja` cannot parse the template, so only a lexical scan covered it; Python's Jinja2 may still render it, and parser differences are where payloads hide.",
    defaultSeverity: "low",
    confidence: "high",
    cwe: [1336],
    references: ["https://github.com/huggingface/huggingface.js/tree/main/packages/jinja"],
  },
  check(doc, { report }) {
    if (doc.parsed || doc.parseError === undefined) return;
    report({ message: `Template did not parse (${doc.parseError}); only a lexical scan covered it` });
  },
});
