import type { NpyDocument } from "../../formats/numpy/types.js";
import { defineRule } from "../types.js";

export const npy001 = defineRule<NpyDocument>({
  meta: {
    id: "NPY001",
    slug: "numpy-object-array",
    formats: ["numpy"],
    title: "NumPy array of Python objects: its data is a pickle",
    description:
      "The .npy header's dtype holds objects ('|O' or an object field), so the data is a pickle. numpy.load refuses it unless allow_pickle=True (the default before numpy 1.16.3, CVE-2019-6446); the pickle is scanned by the pickle rules either way.",
    defaultSeverity: "low",
    confidence: "high",
    cwe: [502],
    references: ["CVE-2019-6446", "https://numpy.org/doc/stable/reference/generated/numpy.load.html"],
  },
  check(doc, { report }) {
    if (!doc.objectArray && !doc.pickleGuess) return;
    const what = doc.objectArray ? `Object array (descr ${doc.descr ?? "?"})` : `Array with an unreadable dtype (descr ${doc.descr ?? "?"}) whose data parses as a pickle`;
    report({ message: `${what}: numpy.load unpickles its data only with allow_pickle=True`, evidence: doc.headerText?.slice(0, 200) ?? "", offset: doc.dataOffset });
  },
});
