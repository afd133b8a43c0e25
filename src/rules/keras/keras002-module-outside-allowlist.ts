import { inKerasAllowlist } from "../../formats/keras/gadgets.js";
import { KERAS_MODULE_ALLOWLIST, type KerasDocument } from "../../formats/keras/types.js";
import { defineRule } from "../types.js";
import { KERAS_FORMATS, dangerousRef, rawOnly, rawWhy, refName, where } from "./shared.js";

export const keras002 = defineRule<KerasDocument>({
  meta: {
    id: "KERAS002",
    slug: "keras-module-outside-allowlist",
    formats: KERAS_FORMATS,
    title: "Keras config imports a module outside the Keras packages",
    description: "An object or function reference names a module outside keras, keras_hub, keras_cv and keras_nlp (and tf_keras): Keras before 3.9 imports it and calls what it names with config arguments, even in safe mode; later versions need it registered as custom code.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [502, 829],
    references: ["CVE-2025-1550", "GHSA-48g7-3x6r-xfhp"],
  },
  check(doc, { report, policy }) {
    for (const c of doc.configs) {
      for (const ref of c.refs) {
        if (ref.kind === "tf-op" || ref.module === "" || inKerasAllowlist(ref.module, KERAS_MODULE_ALLOWLIST)) continue;
        if (dangerousRef(ref, policy)) continue; // KERAS003 reports it, more severely
        const registered = ref.registeredName ? ` (registered_name ${JSON.stringify(ref.registeredName)})` : "";
        report({
          message: `Keras ${where(c, ref)} references ${refName(ref)}${registered}: loading imports module ${JSON.stringify(ref.module)}, outside ${KERAS_MODULE_ALLOWLIST.join("/")}`,
          evidence: `${ref.kind} reference ${refName(ref)}`,
        });
      }
      for (const hit of rawOnly(c, "module")) {
        if (inKerasAllowlist(hit.text, KERAS_MODULE_ALLOWLIST)) continue;
        report({ message: `Keras ${c.origin} names module ${JSON.stringify(hit.text)} outside the Keras packages (${rawWhy(c)})`, evidence: hit.text, offset: hit.offset });
      }
    }
  },
});
