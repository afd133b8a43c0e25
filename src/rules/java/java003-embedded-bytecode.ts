import type { JavaStreamDocument } from "../../formats/java/types.js";
import { defineRule } from "../types.js";
import { JAVA_STREAM_FORMATS, streamPlace } from "./shared.js";

export const java003 = defineRule<JavaStreamDocument>({
  meta: {
    id: "JAVA003",
    slug: "java-embedded-bytecode",
    formats: JAVA_STREAM_FORMATS,
    title: "Java serialization stream carries JVM bytecode",
    description: "A byte[] inside the stream starts with the class-file magic CAFEBABE: the payload shape of TemplatesImpl-based gadget chains, which define and run the class during deserialization.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [502, 94],
    references: ["CVE-2024-6960", "https://github.com/frohoff/ysoserial/blob/master/src/main/java/ysoserial/payloads/util/Gadgets.java"],
  },
  check(doc, { report }) {
    for (const array of doc.byteArrays) {
      if (array.kind !== "class-file") continue;
      report({
        message: `Java serialization stream ${streamPlace(doc)} holds a ${array.length}-byte JVM class file at offset ${array.offset}; gadget chains load such bytes as a class`,
        evidence: `byte[] starting CA FE BA BE at offset ${array.offset}`,
        offset: array.offset,
      });
    }
  },
});
