import type { JavaStreamDocument } from "../../formats/java/types.js";

/** Formats whose documents are parsed Java serialization streams. */
export const JAVA_STREAM_FORMATS = ["java-serialized"] as const;

/** Where the stream sits, for messages: the container it was embedded in (its member path says where), or its offset. */
export function streamPlace(doc: JavaStreamDocument): string {
  if (doc.container) return doc.offset === 0 ? `embedded in ${doc.container}` : `at offset ${doc.offset}, embedded in ${doc.container}`;
  return `at offset ${doc.offset}`;
}
