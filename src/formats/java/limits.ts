/**
 * Bounds on Java serialization streams. The stream is attacker-controlled; each bound is checked
 * before the work it limits, and hitting one is a `limit-exceeded` defect naming it.
 */

/** Bytes of one stream held in memory for parsing: gadget payloads are kilobytes (CWE-400). */
export const JAVA_MAX_STREAM_BYTES = 64 * 1024 * 1024;

/** Nesting of objects inside objects; each level is a parser stack frame (CWE-674). */
export const JAVA_MAX_DEPTH = 512;

/** Handles (objects, strings, descriptors) one stream may assign (CWE-770). */
export const JAVA_MAX_HANDLES = 1_000_000;

/** Content items parsed per stream: bounds CPU on item-dense input (CWE-834). */
export const JAVA_MAX_ITEMS = 5_000_000;

/** Interfaces of one dynamic proxy descriptor; the JVM allows at most 65535 (CWE-770). */
export const JAVA_MAX_PROXY_INTERFACES = 65_535;

/** Distinct class descriptors kept in the document; more are counted, not listed (CWE-770). */
export const JAVA_MAX_CLASSES_KEPT = 10_000;

/** Strings kept as evidence samples, and the characters kept of each (CWE-770). */
export const JAVA_MAX_STRINGS_KEPT = 256;
export const JAVA_MAX_STRING_CHARS = 200;

/** Bytes searched for stream magic inside another file (H2O model, zip member) (CWE-400). */
export const JAVA_SEARCH_MAX_BYTES = 2 * 1024 ** 3;

/** Streams parsed out of one file by the magic search; more are counted (CWE-770). */
export const JAVA_MAX_STREAMS_PER_FILE = 64;

/** Chunk size for reads: parsers never ask a source for more than this at once. */
export const JAVA_READ_CHUNK = 1024 * 1024;
