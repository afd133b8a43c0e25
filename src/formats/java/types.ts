import type { Defect } from "../../core/defect.js";

/** One field of a class descriptor (spec 6.4.2 fieldDesc). */
export interface JavaField {
  /** Type code: B C D F I J S Z for primitives, L or [ for objects. */
  type: string;
  name: string;
  /** Field type in descriptor form (`Ljava/lang/String;`) for object fields. */
  className?: string;
}

/** A class descriptor as written in the stream: what the loader will resolve and load. */
export interface JavaClassDesc {
  /** Binary name (`java.util.HashMap`, `[B`); for proxies `$Proxy` with `interfaces`. */
  name: string;
  /** serialVersionUID as 16 hex digits (a 64-bit value). */
  serialVersionUid: string;
  flags: number;
  fields: JavaField[];
  /** Name of the superclass descriptor, when one was written. */
  superName?: string;
  /** Dynamic proxy descriptor (TC_PROXYCLASSDESC): the interfaces it implements. */
  interfaces?: string[];
  /** Offset of the TC_CLASSDESC / TC_PROXYCLASSDESC byte in the source. */
  offset: number;
  /** Objects of exactly this class created by the stream. */
  instances: number;
  /** Written as a `java.lang.Class` value (TC_CLASS), e.g. `Runtime.class` in a transformer chain. */
  asClassObject: boolean;
}

/** A byte[] inside the stream that holds something worth a look. */
export interface JavaByteArray {
  offset: number;
  length: number;
  /** `class-file`: JVM bytecode (CAFEBABE); `java-stream`: a nested serialization stream. */
  kind: "class-file" | "java-stream";
}

export interface JavaStringSample {
  offset: number;
  /** At most JAVA_MAX_STRING_CHARS characters. */
  text: string;
  truncated: boolean;
}

/** A parsed Java serialization stream. Nothing in it was instantiated. */
export interface JavaStreamDocument {
  /** Offset of the magic in the source. */
  offset: number;
  /** Bytes consumed, magic included. */
  length: number;
  /** Format of the file this stream was found in (`h2o-binary`, `zip`, ...), when nested. */
  container?: string;
  /** Top-level content items (objects and block data) read. */
  contents: number;
  /** Class descriptors in order of first appearance, one per name. */
  classes: JavaClassDesc[];
  /** Descriptors seen beyond JAVA_MAX_CLASSES_KEPT. */
  classesDropped: number;
  /** Objects created (TC_OBJECT), arrays (TC_ARRAY), enums (TC_ENUM). */
  objects: number;
  arrays: number;
  enums: number;
  strings: JavaStringSample[];
  byteArrays: JavaByteArray[];
  /** Block data bytes written by custom `writeObject` / `writeExternal` methods. */
  blockDataBytes: number;
  /** True when the stream parsed to the end of its contents without a defect. */
  complete: boolean;
  /** Bytes after the last content item that are not part of the stream. */
  trailing?: { offset: number; length: number };
  defects: Defect[];
}
