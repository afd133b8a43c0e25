import { importName, render } from "../../formats/pickle/render.js";
import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { describeUse, effectsOf } from "./effects.js";
import { PICKLE_FORMATS } from "./shared.js";

export const pkl013 = defineRule<PickleDocument>({
  meta: {
    id: "PKL013",
    slug: "pickle-build-on-global",
    formats: PICKLE_FORMATS,
    title: "Pickle sets attributes on an imported module or class",
    description: "BUILD is applied directly to an imported global, so loading overwrites attributes of a module, class or function (e.g. `numpy.prod.a = 'os'`) that later imports read back.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [502, 915],
    references: ["https://github.com/protectai/modelscan/issues/85", "https://github.com/protectai/modelscan/issues/330"],
  },
  check(doc, { report, policy }) {
    // BUILD on `getattr(<global>, 'name')` overwrites attributes of that class or module just the same.
    for (const { site, use } of effectsOf(doc, policy).buildsOnReferences) {
      report({
        message: `Pickle runs BUILD on ${describeUse(use)}, overwriting its attributes`,
        evidence: `state ${render(site.args, 160)}`,
        offset: site.offset,
      });
    }
    for (const build of doc.buildsOnImports) {
      report({
        message: `Pickle runs BUILD on the imported global ${importName(build.imp)}, overwriting its attributes`,
        evidence: `state ${render(build.state, 160)}`,
        offset: build.offset,
      });
    }
  },
});
