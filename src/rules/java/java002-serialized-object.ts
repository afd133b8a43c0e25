import type { JavaStreamDocument } from "../../formats/java/types.js";
import { defineRule } from "../types.js";
import { JAVA_STREAM_FORMATS, streamPlace } from "./shared.js";

/** Classes listed in the message before "and N more". */
const SHOWN = 12;

export const java002 = defineRule<JavaStreamDocument>({
  meta: {
    id: "JAVA002",
    slug: "java-serialized-object",
    formats: JAVA_STREAM_FORMATS,
    title: "Model carries a serialized Java object graph",
    description: "A Java serialization stream (AC ED 00 05) with at least one class descriptor: loading it with ObjectInputStream resolves and runs the readObject code of every listed class.",
    defaultSeverity: "high",
    confidence: "medium",
    cwe: [502],
    references: ["CVE-2024-6960", "https://github.com/advisories/GHSA-w36w-948j-xhfw", "https://docs.oracle.com/en/java/javase/17/docs/specs/serialization/protocol.html"],
  },
  check(doc, { report }) {
    if (doc.classes.length === 0) return;
    const names = doc.classes.map((c) => (c.interfaces ? `proxy(${c.interfaces.join(", ")})` : c.name));
    const listed = names.slice(0, SHOWN).join(", ");
    const more = names.length > SHOWN ? ` and ${names.length - SHOWN + doc.classesDropped} more` : "";
    report({
      message: `Java serialization stream ${streamPlace(doc)} deserializes ${doc.objects} object(s) of ${names.length} class(es): ${listed}${more}`,
      evidence: `${doc.length} bytes; ${doc.arrays} array(s), ${doc.enums} enum(s), ${doc.blockDataBytes} bytes of custom writeObject data${doc.complete ? "" : "; the stream did not parse to its end"}`,
      offset: doc.offset,
    });
  },
});
