import type { KerasDocument } from "../../formats/keras/types.js";
import { defineRule } from "../types.js";
import { KERAS_FORMATS, dangerousRef, rawOnly, rawWhy, refName, where } from "./shared.js";

export const keras003 = defineRule<KerasDocument>({
  meta: {
    id: "KERAS003",
    slug: "keras-dangerous-reference",
    formats: KERAS_FORMATS,
    title: "Keras config references a dangerous callable",
    description: "A function or class reference (class_name \"function\", a Lambda function, a TFOpLambda, a module/class pair) names something that runs commands, reads or writes host files, downloads, loads other models, or turns safe mode off: os.system, keras.utils.get_file, keras.models.load_model, enable_unsafe_deserialization …",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [94, 502],
    references: ["CVE-2025-8747", "CVE-2025-9906", "GHSA-c9rc-mg46-23w3", "GHSA-36fq-jgmw-4r9c", "https://research.jfrog.com/model-threats/keras-custom/"],
  },
  check(doc, { report, policy }) {
    for (const c of doc.configs) {
      for (const ref of c.refs) {
        const hit = dangerousRef(ref, policy);
        if (!hit) continue;
        const normalized = hit.classification && hit.classification.normalized !== refName(ref) ? ` (${hit.classification.normalized})` : "";
        report({
          message: `Keras ${where(c, ref)} references ${refName(ref)}${normalized}, which ${hit.why.startsWith("is ") ? hit.why.slice(3) : hit.why}`,
          evidence: `${ref.kind} reference ${refName(ref)}${ref.registeredName ? ` registered_name ${ref.registeredName}` : ""}`,
        });
      }
      for (const hit of rawOnly(c, "gadget")) {
        report({ message: `Keras ${c.origin} names the gadget ${hit.text} (${rawWhy(c)})`, evidence: hit.text, offset: hit.offset });
      }
    }
  },
});
