import type { FormatSniffer, SniffHint, SniffStrength } from "../../core/handler.js";
import { WIRE_LEN, sniffFields } from "../protobuf/sniff.js";
import { latin1MayStartWith } from "../sniff-text.js";

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

export const KERAS_METADATA_FILE = "keras_metadata.pb";
const FILE_NAME = KERAS_METADATA_FILE;

/**
 * A Keras config is a JSON object with `class_name` and `config` at the top. Strong when the
 * head also shows a `"module": "keras…"` reference, a `keras_version`, or it is the
 * `config.json` member of a zip (a `.keras` file); weak (a trial) otherwise.
 *
 * @example
 * sniffKerasConfig(head, { name: "config.json", size, parents: ["zip"] }); // "strong"
 */
export function sniffKerasConfig(head: Uint8Array, hint: SniffHint): SniffStrength {
  if (!latin1MayStartWith(head, 0x7b)) return "no"; // the `/^\s*\{/` below, without decoding a binary head
  const text = latin1.decode(head).replace(/^\xef\xbb\xbf/, ""); // a UTF-8 BOM, which Python's json accepts in bytes
  if (!/^\s*\{/.test(text) || !/"class_name"\s*:/.test(text)) return "no";
  const kerasish = /"module"\s*:\s*"keras|"keras_version"\s*:/.test(text) || (hint.name === "config.json" && hint.parents.includes("zip"));
  return kerasish && /"config"\s*:/.test(text) ? "strong" : "weak";
}

/**
 * `keras_metadata.pb` (TF-Keras SavedModels): SavedMetadata { 1 nodes: SavedObject { 3 node_path,
 * 4 identifier "_tf_keras_layer"…, 5 metadata: JSON } }. Strong when the first node's identifier
 * starts with `_tf_keras_`; weak by file name.
 *
 * @example
 * sniffKerasMetadata(head, { name: "keras_metadata.pb", size, parents: [] }); // "strong"
 */
export function sniffKerasMetadata(head: Uint8Array, hint: SniffHint): SniffStrength {
  const fallback = hint.name === FILE_NAME ? "weak" : "no";
  const [node] = sniffFields(head, { end: hint.size, max: 1 });
  if (!node || node.no !== 1 || node.wire !== WIRE_LEN) return fallback;
  const identifier = sniffFields(head, { start: node.start, end: node.end, max: 4 }).find((f) => f.no === 4 && f.wire === WIRE_LEN);
  if (!identifier || identifier.end > head.length) return fallback;
  return utf8.decode(head.subarray(identifier.start, identifier.end)).startsWith("_tf_keras_") ? "strong" : fallback;
}

export const kerasConfigSniffer: FormatSniffer = { id: "keras-config", priority: 30, sniff: sniffKerasConfig };
export const kerasMetadataSniffer: FormatSniffer = { id: "keras-metadata", priority: 25, sniff: sniffKerasMetadata };
