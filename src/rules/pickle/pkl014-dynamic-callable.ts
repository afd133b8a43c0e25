import type { PickleDocument } from "../../formats/pickle/types.js";
import { K, isObj } from "../../formats/pickle/values.js";
import { defineRule } from "../types.js";
import { effectsOf } from "./effects.js";
import { PICKLE_FORMATS } from "./shared.js";

export const pkl014 = defineRule<PickleDocument>({
  meta: {
    id: "PKL014",
    slug: "pickle-dynamic-callable",
    formats: PICKLE_FORMATS,
    title: "Pickle calls something that is not an import",
    description: "REDUCE, NEWOBJ, OBJ or BUILD is applied to the result of another call, a persistent object, an unknown memo value or a plain value; the callable is computed at load time (getattr chains, resolver results).",
    defaultSeverity: "high",
    confidence: "medium",
    cwe: [502],
    references: ["GHSA-84r2-jw7c-4r5q", "https://github.com/protectai/modelscan/issues/330"],
  },
  check(doc, { report, policy }) {
    // A called `getattr(<name>, 'attr')` or `functools.partial(<name>, …)` is a call of that name,
    // judged by PKL001/PKL002 like any import.
    const resolved = effectsOf(doc, policy).resolvedDynamic;
    for (const [key, group] of doc.calls) {
      if (group.imp || resolved.has(key)) continue;
      const callee = group.callee;
      const what = isObj(callee)
        ? callee.k === K.Call
          ? "the result of another call"
          : callee.k === K.Unknown
            ? "a value the VM could not resolve"
            : callee.k === K.Persistent
              ? "a persistent object"
              : "a plain value"
        : "a plain value";
      const first = group.samples[0];
      report({
        message: `Pickle calls ${what} (${[...group.ops].join("/")}, ${group.count} time(s)); the callable is decided at load time`,
        evidence: first?.text,
        offset: first?.offset,
      });
    }
  },
});
