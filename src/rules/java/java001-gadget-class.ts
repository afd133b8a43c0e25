import type { JavaStreamDocument } from "../../formats/java/types.js";
import { defineRule } from "../types.js";
import { findGadgets } from "./gadgets.js";
import { JAVA_STREAM_FORMATS, streamPlace } from "./shared.js";

export const java001 = defineRule<JavaStreamDocument>({
  meta: {
    id: "JAVA001",
    slug: "java-gadget-class",
    formats: JAVA_STREAM_FORMATS,
    title: "Java serialization stream contains a known gadget class",
    description: "A serialized Java object graph names a class used by a known deserialization gadget chain (ysoserial families: commons-collections, commons-beanutils, TemplatesImpl, Spring, Groovy, ROME, c3p0, Hibernate, URLDNS, ...).",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [502],
    references: [
      "CVE-2024-6960",
      "https://github.com/advisories/GHSA-w36w-948j-xhfw",
      "https://research.jfrog.com/vulnerabilities/h2o-model-deserialization-rce-jfsa-2024-001035518",
      "https://github.com/frohoff/ysoserial",
    ],
  },
  check(doc, { report }) {
    const hits = findGadgets(doc);
    if (hits.length === 0) return;
    const families = [...new Set(hits.map((h) => h.entry.family))];
    const strings = doc.strings.filter((s) => s.text.length > 0).slice(0, 6).map((s) => JSON.stringify(s.text));
    for (const hit of hits) {
      const what = hit.via ? `a dynamic proxy implementing ${hit.via}` : hit.desc.asClassObject && hit.desc.instances === 0 ? `the class object ${hit.desc.name}` : hit.desc.name;
      report({
        message: `Java serialization stream ${streamPlace(doc)} contains ${what}, part of the ${hit.entry.family} gadget chain; deserializing it can run code`,
        evidence: `gadget families: ${families.join(", ")}; classes: ${doc.classes.map((c) => c.name).slice(0, 16).join(" > ")}${strings.length ? `; strings: ${strings.join(", ")}` : ""}`,
        offset: hit.desc.offset,
      });
    }
  },
});
