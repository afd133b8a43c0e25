import type { JavaStreamDocument } from "./types.js";

/** A Java binary name (`a.b.C$D`), array descriptor (`[B`, `[Ljava.lang.Object;`) or proxy. */
const CLASS_NAME = /^(?:\[+(?:[BCDFIJSZ]|L[\p{L}_$][\p{L}\p{N}_$]*(?:[./][\p{L}_$][\p{L}\p{N}_$]*)*;)|[\p{L}_$][\p{L}\p{N}_$]*(?:\.[\p{L}_$][\p{L}\p{N}_$]*)*)$/u;

export function isPlausibleClassName(name: string): boolean {
  return name === "$Proxy" || (name.length <= 1024 && CLASS_NAME.test(name));
}

/**
 * Whether bytes found by a magic search really are a serialization stream: at least one class
 * descriptor with a well-formed name, or a complete stream of printable strings. Random bytes
 * that happen to contain AC ED 00 05 fail this.
 */
export function isPlausibleStream(doc: JavaStreamDocument): boolean {
  if (doc.classes.some((c) => c.name !== "$Proxy" && isPlausibleClassName(c.name))) return true;
  // eslint-disable-next-line no-control-regex -- printable text test
  return doc.complete && doc.contents > 0 && doc.strings.length > 0 && doc.strings.every((s) => !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(s.text));
}
