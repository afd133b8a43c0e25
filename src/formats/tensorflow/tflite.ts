import type { ByteSource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import { ByteWindow } from "../compress/byte-window.js";
import { FlatReader, type FlatTable, type FlatVector } from "./flatbuffer.js";
import { MAX_TFLITE_STRING_BYTES, MAX_TF_OP_SITES } from "./limits.js";
import { TFLITE_IDENTIFIER, hasTfliteIdentifier } from "./sniff.js";
import { TFLITE_CUSTOM, type TfliteDocument, type TfliteOperatorCode } from "./types.js";

export { TFLITE_IDENTIFIER, hasTfliteIdentifier };

/** Custom op names starting with this run a TensorFlow kernel through the Flex delegate. */
const FLEX_PREFIX = "Flex";

export interface TfliteParse {
  document: TfliteDocument;
  defects: Defect[];
}

interface ParseContext {
  now?: () => number;
  deadline?: number;
}

/**
 * Checks a TFLite flatbuffer (tensorflow/lite/schema/schema.fbs) the way a loader trusts it:
 * root and vtable bounds, vector lengths, operator code indexes, tensor buffer indexes and
 * buffer data ranges (CVE-2022-23559 was an overflow on crafted counts). Lists custom operator
 * codes; `Flex` ones are TensorFlow ops and are listed by their TF name.
 *
 * @example
 * const { document } = await parseTflite(source);
 * document.ops.map((o) => o.op); // ["ReadFile"] for a FlexReadFile custom op
 */
export async function parseTflite(source: ByteSource, ctx: ParseContext = {}): Promise<TfliteParse> {
  const f = new FlatReader(new ByteWindow(source));
  const doc: TfliteDocument = { format: "tflite", version: 0, operatorCodes: [], ops: [], customOps: [], subgraphs: 0, operators: 0, tensors: 0, buffers: 0, printTargets: [] };
  const defects = (): Defect[] => f.defects;
  const root = source.size >= 8 ? await f.follow(0, "Model root") : f.bad(`TFLite file of ${source.size} bytes is too short for a header`, 0);
  const model = root === undefined ? undefined : await f.table(root, "Model");
  if (!model) return { document: doc, defects: defects() };

  doc.version = (await f.scalar(model, { slot: 0, width: 4, fallback: 0, what: "Model.version" })) ?? 0;
  const codes = await f.vector(model, { slot: 1, elemSize: 4, what: "Model.operator_codes" });
  if (codes) doc.operatorCodes = await operatorCodes(f, codes);
  const description = await f.string(model, { slot: 3, max: MAX_TFLITE_STRING_BYTES, what: "Model.description" });
  if (description) doc.description = description;
  const buffers = await f.vector(model, { slot: 4, elemSize: 4, what: "Model.buffers" });
  doc.buffers = buffers?.length ?? 0;
  const uses = new Array<number>(doc.operatorCodes.length).fill(0);
  const subgraphs = await f.vector(model, { slot: 2, elemSize: 4, what: "Model.subgraphs" });
  if (subgraphs) {
    doc.subgraphs = subgraphs.length;
    for (let i = 0; i < subgraphs.length && !f.stopped; i++) {
      if (ctx.now && ctx.deadline !== undefined && ctx.now() > ctx.deadline) {
        f.defects.push(defect("timeout", `Timed out checking TFLite subgraph ${i}`, { offset: subgraphs.start }));
        break;
      }
      const sg = await f.element(subgraphs, { index: i, what: `SubGraph ${i}` });
      if (sg) await subgraph(f, sg, i, doc, uses);
    }
  }
  if (buffers) await checkBuffers(f, buffers, source.size);
  collectCustomOps(doc, uses);
  return { document: doc, defects: defects() };
}

/** OperatorCode { 0 deprecated_builtin_code: byte, 1 custom_code: string, 2 version: int = 1, 3 builtin_code: int }. */
async function operatorCodes(f: FlatReader, codes: FlatVector): Promise<TfliteOperatorCode[]> {
  const out: TfliteOperatorCode[] = [];
  for (let i = 0; i < codes.length && !f.stopped; i++) {
    const what = `OperatorCode ${i}`;
    const t = await f.element(codes, { index: i, what });
    if (!t) continue;
    const deprecated = (await f.scalar(t, { slot: 0, width: 1, fallback: 0, what, signed: true })) ?? 0;
    const builtinCode = (await f.scalar(t, { slot: 3, width: 4, fallback: 0, what, signed: true })) ?? 0;
    const version = (await f.scalar(t, { slot: 2, width: 4, fallback: 1, what, signed: true })) ?? 1;
    const custom = await f.string(t, { slot: 1, max: MAX_TFLITE_STRING_BYTES, what });
    const code: TfliteOperatorCode = { index: i, builtin: Math.max(deprecated, builtinCode), version, offset: t.pos };
    if (typeof custom === "string") code.custom = custom;
    out.push(code);
  }
  return out;
}

/** SubGraph { 0 tensors: [Tensor { 2 buffer: uint }], 3 operators: [Operator { 0 opcode_index: uint }] }. */
async function subgraph(f: FlatReader, sg: FlatTable, index: number, doc: TfliteDocument, uses: number[]): Promise<void> {
  const tensors = await f.vector(sg, { slot: 0, elemSize: 4, what: `SubGraph ${index}.tensors` });
  for (let i = 0; tensors && i < tensors.length && !f.stopped; i++) {
    const what = `SubGraph ${index} tensor ${i}`;
    const t = await f.element(tensors, { index: i, what });
    if (!t) continue;
    doc.tensors++;
    const buffer = await f.scalar(t, { slot: 2, width: 4, fallback: 0, what });
    if (buffer !== undefined && buffer >= Math.max(doc.buffers, 1)) f.bad(`${what} uses buffer ${buffer}, but the model has ${doc.buffers} buffers`, t.pos);
  }
  const operators = await f.vector(sg, { slot: 3, elemSize: 4, what: `SubGraph ${index}.operators` });
  for (let i = 0; operators && i < operators.length && !f.stopped; i++) {
    const what = `SubGraph ${index} operator ${i}`;
    const t = await f.element(operators, { index: i, what });
    if (!t) continue;
    doc.operators++;
    const opcode = await f.scalar(t, { slot: 0, width: 4, fallback: 0, what });
    if (opcode === undefined) continue;
    if (opcode >= doc.operatorCodes.length) f.bad(`${what} uses operator code ${opcode}, but the model has ${doc.operatorCodes.length}`, t.pos);
    else uses[opcode] = (uses[opcode] ?? 0) + 1;
  }
}

/** Buffer { 0 data: [ubyte], 1 offset: ulong, 2 size: ulong }: data inline or at an absolute file range. */
async function checkBuffers(f: FlatReader, buffers: FlatVector, fileSize: number): Promise<void> {
  for (let i = 0; i < buffers.length && !f.stopped; i++) {
    const what = `Buffer ${i}`;
    const t = await f.element(buffers, { index: i, what });
    if (!t) continue;
    await f.vector(t, { slot: 0, elemSize: 1, what: `${what}.data` });
    const offset = await f.scalar(t, { slot: 1, width: 8, fallback: 0, what });
    const size = await f.scalar(t, { slot: 2, width: 8, fallback: 0, what });
    // offset 0 and 1 mean "no external range" in the schema.
    if (offset !== undefined && size !== undefined && offset > 1 && offset + size > fileSize) {
      f.bad(`${what} points at bytes ${offset}+${size}, past the end of the file (${fileSize} bytes)`, t.pos);
    }
  }
}

function collectCustomOps(doc: TfliteDocument, uses: number[]): void {
  for (const code of doc.operatorCodes) {
    if (code.builtin !== TFLITE_CUSTOM || code.custom === undefined) continue;
    const count = uses[code.index] ?? 0;
    if (code.custom.startsWith(FLEX_PREFIX) && code.custom.length > FLEX_PREFIX.length) {
      const op = code.custom.slice(FLEX_PREFIX.length);
      const site = { where: `operator code ${code.index}`, node: `custom op ${JSON.stringify(code.custom)} used by ${count} operator(s)`, offset: code.offset };
      const existing = doc.ops.find((o) => o.op === op);
      if (existing) {
        existing.count += count;
        if (existing.sites.length < MAX_TF_OP_SITES) existing.sites.push(site);
      } else doc.ops.push({ op, count, sites: [site] });
    } else {
      doc.customOps.push({ name: code.custom, count, offset: code.offset });
    }
  }
}

