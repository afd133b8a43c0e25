import type { KerasDocument } from "../../formats/keras/types.js";
import { defineRule } from "../types.js";
import { KERAS_FORMATS, where } from "./shared.js";

const WHY: Record<string, string> = {
  url: "a URL",
  absolute: "an absolute or home path",
  "parent-segment": "a path with `..` segments",
  "path-argument": "a file path",
};

export const keras006 = defineRule<KerasDocument>({
  meta: {
    id: "KERAS006",
    slug: "keras-external-path-argument",
    formats: KERAS_FORMATS,
    title: "Keras config points a layer argument at a host path or URL",
    description: "A layer argument such as a lookup layer's vocabulary, or get_file's origin/cache_dir, is a URL or a path outside the model: loading reads that host file or fetches the URL (file disclosure, SSRF).",
    defaultSeverity: "medium",
    confidence: "medium",
    cwe: [73, 918],
    references: ["CVE-2025-12058", "GHSA-mq84-hjqx-cwf2", "CVE-2025-8747"],
  },
  check(doc, { report }) {
    for (const c of doc.configs) {
      for (const p of c.pathArgs) {
        report({
          message: `Keras ${where(c, p)}: ${p.key} is ${WHY[p.why] ?? p.why} (${JSON.stringify(p.value.slice(0, 200))}); the loader opens it`,
          evidence: `${p.key}=${JSON.stringify(p.value.slice(0, 200))}`,
        });
      }
    }
  },
});
