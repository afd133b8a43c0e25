import type { ByteSource } from "../core/byte-source.js";
import type { FileReport } from "../core/finding.js";
import { planConversion } from "../convert/checkpoint.js";
import { scanSource } from "../engine/scan.js";
import { GGML_TYPES } from "../formats/gguf/constants.js";
import type { GgufDocument } from "../formats/gguf/types.js";
import type { NpyDocument } from "../formats/numpy/types.js";
import type { OnnxDocument } from "../formats/onnx/types.js";
import { importName, render } from "../formats/pickle/render.js";
import type { PickleDocument } from "../formats/pickle/types.js";
import type { SafetensorsDocument } from "../formats/safetensors/types.js";
import type { TarDocument } from "../formats/tar/types.js";
import type { TorchDocument } from "../formats/torch/types.js";
import type { ZipDocument } from "../formats/zip/types.js";
import { defaultPolicy } from "../policy/default.js";
import { disassemble, type OpLine } from "./disassemble.js";
import type { Policy } from "../policy/policy.js";

/** Rows kept per table (CWE-770): a listing, not a dump; the total is always given. */
export const MAX_ROWS = 10_000;
/** Bytes of a top-level pickle read for the opcode listing. */
const LISTING_BYTES = 4 * 1024 * 1024;
/** Calls shown per pickle, each with its arguments. */
const MAX_CALL_ROWS = 500;

export interface TensorRow {
  name: string;
  dtype: string;
  shape: (number | string)[];
  bytes: number | string;
}

export interface Table<T> {
  rows: T[];
  total: number;
}

export interface PickleView {
  member: string;
  streams: number;
  imports: { name: string; via: string; offset: number; verdict: string }[];
  /** What unpickling would run: each call with its arguments, as the symbolic VM saw it. */
  calls: { offset: number; op: string; call: string; count: number; verdict: string }[];
  persistentIds: number;
  result?: string;
  defects: string[];
  /** Opcode listing with the VM's annotations (pickles that are the file itself). */
  listing?: OpLine[];
  listingComplete?: boolean;
}

export interface InspectSection {
  member: string;
  format: string;
  /** Header fields and metadata of the format (versions, producer, metadata keys). */
  header: Record<string, string>;
  tensors?: Table<TensorRow>;
  entries?: Table<{ name: string; kind: string; size: number; detail: string }>;
  pickle?: PickleView;
}

export interface InspectReport {
  path: string;
  size: number;
  verdict: FileReport["verdict"];
  formats: string[];
  sections: InspectSection[];
  notes: string[];
}

/**
 * What is inside a file, without loading it: the engine's own scan runs once and every parsed
 * document (containers, pickles, tensor formats) is turned into a section. PyTorch and numpy
 * tensor tables come from the converter's restricted reading of the same bytes.
 *
 * @example
 * const report = await inspectSource(source, { path: "model.pt" });
 */
export async function inspectSource(source: ByteSource, options: { path: string; policy?: Policy }): Promise<InspectReport> {
  const policy = options.policy ?? defaultPolicy();
  const sections: InspectSection[] = [];
  let topDoc: PickleDocument | undefined;
  const file = await scanSource(source, {
    path: options.path,
    policy,
    onDocument: (view, memberPath) => {
      if (memberPath === undefined && view.format === "pickle") topDoc ??= view.document as PickleDocument;
      const section = sectionOf(view.format, view.document, memberPath ?? "", policy);
      if (section !== undefined) sections.push(section);
    },
  });
  const notes = [...file.notes];
  const top = sections.find((s) => s.member === "" && s.pickle !== undefined)?.pickle;
  if (top !== undefined && topDoc !== undefined) {
    const { lines, complete } = disassemble(await source.read(0, Math.min(source.size, LISTING_BYTES)), annotations(topDoc, policy));
    top.listing = lines;
    top.listingComplete = complete;
  }
  if (file.formats.some((f) => f === "pytorch-zip" || f === "pytorch-legacy-layout" || f === "numpy" || f === "npz")) {
    const plan = await planConversion(source, { npyName: options.path.split(/[\\/]/).pop() ?? "array" });
    if (plan.ok) {
      const rows = plan.plan.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.byteLength }));
      sections.unshift({ member: "", format: `${plan.plan.kind} tensors`, header: plan.plan.stateDictKey !== undefined ? { stateDictKey: plan.plan.stateDictKey } : {}, tensors: table(rows) });
      for (const [removed, kept] of plan.plan.removed) notes.push(`Tensor ${removed} shares its storage with ${kept}`);
    } else {
      notes.push(`No tensor table: ${plan.refusal.message}`);
    }
  }
  return { path: options.path, size: source.size, verdict: file.verdict, formats: file.formats, sections, notes };
}

/** Offset -> what the VM saw there: the import it resolved, the call it recorded. */
function annotations(doc: PickleDocument, policy: Policy): Map<number, string> {
  const notes = new Map<number, string>();
  for (const imp of doc.imports) notes.set(imp.offset, `imports ${importName(imp)}${imp.resolved ? ` [${policy.classifyGlobal(imp.module, imp.name).cls}]` : ""}`);
  for (const group of doc.calls.values()) for (const sample of group.samples) notes.set(sample.offset, `calls ${sample.text}`);
  return notes;
}

function table<T>(rows: T[]): Table<T> {
  return { rows: rows.slice(0, MAX_ROWS), total: rows.length };
}

function sectionOf(format: string, document: unknown, member: string, policy: Policy): InspectSection | undefined {
  switch (format) {
    case "pickle":
    case "pytorch-legacy":
      return { member, format, header: {}, pickle: pickleView(document as PickleDocument, member, policy) };
    case "safetensors":
      return safetensorsSection(document as SafetensorsDocument, member);
    case "gguf":
      return ggufSection(document as GgufDocument, member);
    case "zip":
      return zipSection(document as ZipDocument, member);
    case "tar":
      return tarSection(document as TarDocument, member);
    case "numpy":
      return numpySection(document as NpyDocument, member);
    case "onnx":
      return onnxSection(document as OnnxDocument, member);
    case "pytorch-zip":
    case "torchscript":
    case "pytorch-legacy-layout":
      return torchSection(format, document as TorchDocument, member);
    default:
      return undefined;
  }
}

function pickleView(doc: PickleDocument, member: string, policy: Policy): PickleView {
  const verdictOf = (module: string, name: string): string => policy.classifyGlobal(module, name).cls;
  const calls: PickleView["calls"] = [];
  for (const group of doc.calls.values()) {
    const verdict = group.imp?.resolved ? verdictOf(group.imp.module, group.imp.name) : "unresolved";
    for (const sample of group.samples) {
      if (calls.length >= MAX_CALL_ROWS) break;
      calls.push({ offset: sample.offset, op: sample.op, call: sample.text, count: group.count, verdict });
    }
  }
  calls.sort((a, b) => a.offset - b.offset);
  const view: PickleView = {
    member,
    streams: doc.streams.length,
    imports: doc.imports.slice(0, MAX_ROWS).map((imp) => ({ name: importName(imp), via: imp.via, offset: imp.offset, verdict: imp.resolved ? verdictOf(imp.module, imp.name) : "unresolved" })),
    calls,
    persistentIds: doc.persistentIds.length,
    defects: doc.defects.map((d) => d.message),
  };
  const first = doc.results[0];
  if (first !== undefined) view.result = render(first, 400);
  return view;
}

function safetensorsSection(doc: SafetensorsDocument, member: string): InspectSection {
  const header: Record<string, string> = { headerBytes: String(doc.headerLength ?? "?"), problems: String(doc.problems.length) };
  for (const m of doc.metadata) header[`metadata.${m.key}`] = m.value;
  const rows = doc.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape.map(small), bytes: small(t.end - t.begin) }));
  return { member, format: "safetensors", header, tensors: table(rows) };
}

function ggufSection(doc: GgufDocument, member: string): InspectSection {
  const header: Record<string, string> = { version: String(doc.version), byteOrder: doc.littleEndian ? "little" : "big", tensors: String(doc.tensorCount), alignment: String(doc.alignment) };
  for (const kv of doc.kvs.slice(0, 200)) header[kv.key] = kv.value === undefined ? (kv.arrayLength !== undefined ? `[array of ${kv.arrayLength}]` : "…") : String(kv.value).slice(0, 200);
  const rows = doc.tensors.map((t) => {
    const type = GGML_TYPES.get(t.type);
    const numel = t.dims.reduce((a, b) => a * b, 1n);
    const bytes = type === undefined ? "?" : small((numel / BigInt(type.block)) * BigInt(type.bytes));
    return { name: t.name, dtype: type?.name ?? `type ${t.type}`, shape: t.dims.map(small), bytes };
  });
  return { member, format: "gguf", header, tensors: table(rows) };
}

function zipSection(doc: ZipDocument, member: string): InspectSection {
  const rows = doc.entries.map((e) => ({ name: e.name, kind: e.kind, size: e.uncompressedSize, detail: `${e.method === 0 ? "stored" : e.method === 8 ? "deflated" : `method ${e.method}`}, ${e.compressedSize} bytes${e.linkTarget !== undefined ? `, -> ${e.linkTarget}` : ""}` }));
  return { member, format: "zip", header: { entries: String(doc.entries.length), anomalies: doc.anomalies.map((a) => a.code).join(", ") || "none" }, entries: table(rows) };
}

function tarSection(doc: TarDocument, member: string): InspectSection {
  const rows = doc.entries.map((e) => ({ name: e.name, kind: e.kind, size: e.size, detail: `mode ${e.mode.toString(8)}${e.linkName !== undefined ? `, -> ${e.linkName}` : ""}` }));
  return { member, format: "tar", header: { entries: String(doc.entries.length), anomalies: doc.anomalies.map((a) => a.code).join(", ") || "none" }, entries: table(rows) };
}

function numpySection(doc: NpyDocument, member: string): InspectSection {
  const header: Record<string, string> = { version: doc.version, descr: doc.descr ?? "?", fortranOrder: String(doc.fortranOrder ?? "?"), shape: `(${(doc.shape ?? []).join(", ")})`, objectArray: String(doc.objectArray), dataBytes: String(doc.dataBytes) };
  return { member, format: "numpy", header };
}

function onnxSection(doc: OnnxDocument, member: string): InspectSection {
  const header: Record<string, string> = {
    irVersion: String(doc.irVersion ?? "?"),
    producer: `${doc.producerName ?? "?"} ${doc.producerVersion ?? ""}`.trim(),
    opsets: doc.opsetImports.map((o) => `${o.domain || "ai.onnx"}:${o.version}`).join(", "),
    graphs: String(doc.graphs),
    nodes: String(doc.nodes),
    ops: doc.ops.slice(0, 100).map((o) => `${o.domain ? `${o.domain}.` : ""}${o.opType} x${o.count}`).join(", "),
  };
  const external = new Set(doc.externalData.map((t) => t.tensor));
  const rows = (doc.initializers ?? []).map((t) => {
    const type = ONNX_TYPES[t.dataType];
    const numel = t.dims.reduce((a, b) => a * b, 1);
    const bytes = external.has(t.name) ? "external" : t.rawBytes > 0 ? t.rawBytes : type !== undefined && type.size > 0 ? numel * type.size : "?";
    return { name: t.name, dtype: type?.name ?? `type ${t.dataType}`, shape: t.dims, bytes };
  });
  return { member, format: "onnx", header, tensors: table(rows) };
}

function torchSection(format: string, doc: TorchDocument, member: string): InspectSection {
  const header: Record<string, string> = { layout: doc.layout, pickles: doc.pickles.join(", "), storages: String(doc.storages.length), problems: String(doc.storageProblems.length + doc.layoutProblems.length) };
  if (doc.prefix !== undefined) header.archive = doc.prefix;
  if (doc.version !== undefined) header.version = doc.version;
  if (doc.torchscript) header.torchscriptCode = doc.torchscript.codeFiles.map((c) => c.path).join(", ");
  return { member, format, header };
}

/** onnx.proto TensorProto.DataType: name and bytes per element (0 when not fixed). */
const ONNX_TYPES: Record<number, { name: string; size: number }> = {
  1: { name: "FLOAT", size: 4 },
  2: { name: "UINT8", size: 1 },
  3: { name: "INT8", size: 1 },
  4: { name: "UINT16", size: 2 },
  5: { name: "INT16", size: 2 },
  6: { name: "INT32", size: 4 },
  7: { name: "INT64", size: 8 },
  8: { name: "STRING", size: 0 },
  9: { name: "BOOL", size: 1 },
  10: { name: "FLOAT16", size: 2 },
  11: { name: "DOUBLE", size: 8 },
  12: { name: "UINT32", size: 4 },
  13: { name: "UINT64", size: 8 },
  14: { name: "COMPLEX64", size: 8 },
  15: { name: "COMPLEX128", size: 16 },
  16: { name: "BFLOAT16", size: 2 },
  17: { name: "FLOAT8E4M3FN", size: 1 },
  18: { name: "FLOAT8E4M3FNUZ", size: 1 },
  19: { name: "FLOAT8E5M2", size: 1 },
  20: { name: "FLOAT8E5M2FNUZ", size: 1 },
};

/** A bigint as a number when exact, else its decimal text. */
function small(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}
