import type { ConfigDocument } from "../../formats/hf-config/types.js";
import { defineRule } from "../types.js";
import { CONFIG_FORMATS, capped } from "./shared.js";

export const hfc012 = defineRule<ConfigDocument>({
  meta: {
    id: "HFC012",
    slug: "config-duplicate-key",
    formats: CONFIG_FORMATS,
    title: "Config repeats a key",
    description: "A JSON or YAML map holds the same key twice; Python keeps the last, other readers the first or neither, so reviewers and loaders can see different values.",
    defaultSeverity: "low",
    confidence: "high",
    cwe: [694, 436],
    references: ["https://www.rfc-editor.org/rfc/rfc8259#section-4"],
  },
  check(doc, ctx) {
    const report = capped(ctx);
    for (const d of doc.duplicates) {
      const hit = { message: `Key ${JSON.stringify(d.key)} appears more than once${d.path ? ` in ${d.path}` : ""}; Python loaders keep the last one` };
      report(d.offset === undefined ? hit : { ...hit, offset: d.offset });
    }
  },
});
