import type { SniffHint, SniffStrength } from "../../core/handler.js";
import { WIRE_LEN, isIdentifierText, sniffFields } from "../protobuf/sniff.js";

/** A byte range of a sniff head (`end` may lie past it). */
export interface Span {
  start: number;
  end: number;
}

/** GraphDef fields: 1 node, 2 library, 3 version (deprecated varint), 4 versions, 5 debug_info. */
const GRAPH_FIELDS = new Map<number, number>([
  [1, WIRE_LEN],
  [2, WIRE_LEN],
  [3, 0],
  [4, WIRE_LEN],
  [5, WIRE_LEN],
]);

/** Op names are identifiers; function-call ops use the function's name, also an identifier. */
const OP_NAME = /^[A-Za-z_][A-Za-z0-9_.>-]*$/;

/**
 * True when `bytes[start, end)` starts like a serialized GraphDef: known top fields, and a first
 * node whose NodeDef has a name (1) and an identifier op (2) within the bytes we can see.
 *
 * @example
 * looksLikeGraphDef(bytes, { start: 0, end: bytes.length }); // true for `0a 0e 0a 05 "Const" 12 05 "Const"`
 */
export function looksLikeGraphDef(bytes: Uint8Array, { start, end }: Span): boolean {
  const fields = sniffFields(bytes, { start, end, max: 8 });
  const first = fields[0];
  if (!first || !fields.every((f) => GRAPH_FIELDS.get(f.no) === f.wire)) return false;
  if (first.no !== 1) return first.no === 2 && fields.length === 1 && first.end === end && looksLikeLibrary(bytes, first);
  return looksLikeNode(bytes, first);
}

/** A NodeDef: name (1) and op (2) strings, the op an identifier. */
export function looksLikeNode(bytes: Uint8Array, { start, end }: Span): boolean {
  const fields = sniffFields(bytes, { start, end, max: 4 });
  const op = fields.find((f) => f.no === 2);
  if (!op || op.wire !== WIRE_LEN || !isIdentifierText(bytes, op)) return false;
  if (!fields.every((f) => f.no >= 1 && f.no <= 7)) return false;
  return OP_NAME.test(new TextDecoder().decode(bytes.subarray(op.start, op.end)));
}

/** A FunctionDefLibrary whose first FunctionDef starts with its signature (an OpDef with a name). */
function looksLikeLibrary(bytes: Uint8Array, { start, end }: Span): boolean {
  const [fn] = sniffFields(bytes, { start, end, max: 1 });
  if (!fn || fn.no !== 1 || fn.wire !== WIRE_LEN) return false;
  const [signature] = sniffFields(bytes, { start: fn.start, end: fn.end, max: 1 });
  if (!signature || signature.no !== 1 || signature.wire !== WIRE_LEN) return false;
  const [name] = sniffFields(bytes, { start: signature.start, end: signature.end, max: 1 });
  return name !== undefined && name.no === 1 && name.wire === WIRE_LEN && isIdentifierText(bytes, name);
}

const MAX_SCHEMA_VERSION = 16;

/**
 * SavedModel { 1 saved_model_schema_version, 2 meta_graphs }. Strong when the first meta graph
 * visibly starts with a MetaInfoDef holding text, or a GraphDef whose first node has an
 * identifier op; weak when only the outer shape fits and the file is named `saved_model.pb`.
 *
 * @example
 * sniffSavedModel(head, { name: "saved_model.pb", size, parents: [] }); // "strong"
 */
export function sniffSavedModel(head: Uint8Array, hint: SniffHint): SniffStrength {
  // The name alone earns a trial: a truncated or damaged saved_model.pb must still be reported.
  const fallback = hint.name.toLowerCase() === "saved_model.pb" ? "weak" : "no";
  const fields = sniffFields(head, { end: hint.size, max: 2 });
  let meta = fields[0];
  if (meta && meta.no === 1 && meta.wire === 0) {
    if (meta.value > MAX_SCHEMA_VERSION) return fallback;
    meta = fields[1];
  }
  if (!meta || meta.no !== 2 || meta.wire !== WIRE_LEN) return fallback;
  const [inner] = sniffFields(head, { start: meta.start, end: meta.end, max: 1 });
  if (inner && inner.wire === WIRE_LEN && inner.no === 2 && looksLikeGraphDef(head, inner)) return "strong";
  if (inner && inner.wire === WIRE_LEN && inner.no === 1 && looksLikeMetaInfo(head, inner)) return "strong";
  return fallback;
}

/** MetaInfoDef: meta_graph_version (1), tags (4), tensorflow_version (5), … as text; stripped_op_list (2) a message. */
function looksLikeMetaInfo(head: Uint8Array, { start, end }: Span): boolean {
  const fields = sniffFields(head, { start, end, max: 4 });
  const texts = fields.filter((f) => [1, 4, 5, 6].includes(f.no));
  return fields.length > 0 && fields.every((f) => f.no >= 1 && f.no <= 8) && texts.length > 0 && texts.every((f) => f.wire === WIRE_LEN && isIdentifierText(head, { start: f.start, end: f.end, maxLength: 1024 }));
}

/**
 * Frozen GraphDef: no magic, so at most weak (the parse must then find nodes with ops).
 *
 * @example
 * sniffGraphDef(head, size); // "weak"
 */
export function sniffGraphDef(head: Uint8Array, size: number): "weak" | "no" {
  return looksLikeGraphDef(head, { start: 0, end: size }) ? "weak" : "no";
}
