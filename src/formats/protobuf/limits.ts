/** Bounds for the protobuf wire reader. Each one is attacker-controlled input size or shape. */

/** Message nesting followed before giving up: protobuf's own default recursion limit is 100 (CWE-674). */
export const MAX_PROTO_DEPTH = 100;

/** Fields decoded per file across every message: bounds CPU on field-dense input (CWE-834). */
export const MAX_PROTO_FIELDS = 50_000_000;

/** Longest string decoded to text (names, keys, paths); longer ones are cut and marked (CWE-770). */
export const MAX_PROTO_TEXT_BYTES = 64 * 1024;

/** Bytes fetched per read window: field walks make many tiny reads, which this turns into few. */
export const PROTO_WINDOW_BYTES = 64 * 1024;

/** Fields between two deadline checks: cheap enough to not matter, frequent enough to stop in time. */
export const DEADLINE_CHECK_FIELDS = 4096;
