import type { FormatSniffer, SniffHint, SniffStrength } from "../../core/handler.js";
import { WIRE_LEN, WIRE_VARINT, isIdentifierText, sniffFields, type SniffedField } from "../protobuf/sniff.js";

/** ModelProto fields and their wire types (onnx.proto3); anything else at the top is not ONNX. */
const MODEL_FIELDS = new Map<number, number>([
  [1, WIRE_VARINT], // ir_version
  [2, WIRE_LEN], // producer_name
  [3, WIRE_LEN], // producer_version
  [4, WIRE_LEN], // domain
  [5, WIRE_VARINT], // model_version
  [6, WIRE_LEN], // doc_string
  [7, WIRE_LEN], // graph
  [8, WIRE_LEN], // opset_import
  [14, WIRE_LEN], // metadata_props
  [20, WIRE_LEN], // training_info
  [25, WIRE_LEN], // functions
]);

const MAX_SNIFF_FIELDS = 16;
const MAX_PLAUSIBLE_IR_VERSION = 20;

/**
 * ONNX has no magic. Strong when the head decodes as a ModelProto that starts with a plausible
 * `ir_version` and reaches a graph whose first node has an identifier op type; weak when the
 * leading fields merely fit ModelProto (ir_version first, or graph/producer/opset first in a
 * file named `.onnx`): the parse then decides.
 *
 * @example
 * sniffOnnx(head, { name: "model.onnx", size, parents: [] }); // "strong"
 */
export function sniffOnnx(head: Uint8Array, hint: SniffHint): SniffStrength {
  const fields = sniffFields(head, { end: hint.size, max: MAX_SNIFF_FIELDS });
  const first = fields[0];
  if (!first || !fields.every((f) => MODEL_FIELDS.get(f.no) === f.wire)) return "no";
  const ir = fields.find((f) => f.no === 1);
  const irOk = ir !== undefined && ir.value >= 1 && ir.value <= MAX_PLAUSIBLE_IR_VERSION;
  const graph = fields.find((f) => f.no === 7);
  if (irOk && first.no === 1 && graph && graphStartsWithNode(head, graph)) return "strong";
  if (irOk && first.no === 1) return "weak";
  if ([2, 7, 8].includes(first.no) && hint.name.toLowerCase().endsWith(".onnx")) return "weak";
  return "no";
}

function graphStartsWithNode(head: Uint8Array, graph: SniffedField): boolean {
  const [node] = sniffFields(head, { start: graph.start, end: graph.end, max: 1 });
  if (!node || node.no !== 1 || node.wire !== WIRE_LEN) return false;
  const opType = sniffFields(head, { start: node.start, end: node.end, max: 64 }).find((f) => f.no === 4);
  return opType !== undefined && opType.wire === WIRE_LEN && isIdentifierText(head, opType);
}

export const onnxSniffer: FormatSniffer = { id: "onnx", priority: 20, sniff: sniffOnnx };
