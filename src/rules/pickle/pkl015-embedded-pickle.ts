import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { PICKLE_FORMATS } from "./shared.js";

export const pkl015 = defineRule<PickleDocument>({
  meta: {
    id: "PKL015",
    slug: "pickle-embedded-pickle",
    formats: PICKLE_FORMATS,
    title: "Pickle carries another pickle as data",
    description: "A bytes value, or a base64/hex string, holds a second pickle. It is scanned as a file of its own; carrying it at all is a staging pattern for pickle-in-pickle loaders.",
    defaultSeverity: "medium",
    confidence: "medium",
    cwe: [502],
    references: ["https://github.com/protectai/modelscan/issues/267"],
  },
  check(doc, { report }) {
    for (const payload of doc.embedded) {
      if (!payload.data && !payload.reason.includes("pickle")) continue;
      report({
        message: `Pickle carries an embedded pickle (${payload.reason}, ${payload.length} bytes at offset ${payload.offset}); it was scanned as a nested file`,
        offset: payload.offset,
      });
    }
  },
});
