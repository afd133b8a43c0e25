import type { ByteSource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import { ProtoReader, decodeVarint, isLen, isVarint, type LenField, type ProtoRange } from "../protobuf/index.js";
import { classifyLocation, duplicateKeys, numberIssues, unknownKeys } from "./external-data.js";
import { MAX_ONNX_DIMS, MAX_ONNX_DISTINCT_OPS, MAX_ONNX_EXTERNAL_ENTRIES, MAX_ONNX_EXTERNAL_TENSORS, MAX_ONNX_GRAPH_DEPTH, MAX_ONNX_INITIALIZERS, MAX_ONNX_OP_SITES } from "./limits.js";
import type { OnnxDocument, OnnxExternalEntry, OnnxOpUse } from "./types.js";

export interface ParseOnnxOptions {
  now?: () => number;
  deadline?: number;
}

export interface OnnxParse {
  document: OnnxDocument;
  defects: Defect[];
  /** ir_version in 1..20, a graph, and no malformed wire data: this really is an ONNX model. */
  convincing: boolean;
}

/** Where the walker is: message depth for the wire reader, graph depth and path for reports. */
interface Scope {
  protoDepth: number;
  graphDepth: number;
  graph: string;
}

/** ir_version values seen in the wild are 1..11; 20 leaves room without accepting noise. */
const MAX_PLAUSIBLE_IR_VERSION = 20;

/**
 * Walks an ONNX ModelProto (field numbers: onnx.proto3, formats.md §5.4) and collects what can
 * make loading unsafe: every operator with its domain (in the main graph, in subgraphs held by
 * attributes such as If/Loop/Scan bodies, in training graphs and in model-local functions) and
 * every tensor's `external_data` entries. Tensor payloads are skipped by length, never read.
 *
 * @example
 * const { document, defects } = await parseOnnx(new MemorySource(bytes));
 * document.ops.map((o) => `${o.domain}:${o.opType}`);
 */
export async function parseOnnx(source: ByteSource, options: ParseOnnxOptions = {}): Promise<OnnxParse> {
  const walker = new OnnxWalker(source, options);
  return walker.run();
}

class OnnxWalker {
  private readonly r: ProtoReader;
  private readonly doc: OnnxDocument = {
    format: "onnx",
    opsetImports: [],
    ops: [],
    functions: [],
    externalData: [],
    externalDataOmitted: 0,
    graphs: 0,
    nodes: 0,
    maxGraphDepth: 0,
  };
  private readonly ops = new Map<string, OnnxOpUse>();
  private readonly defects: Defect[] = [];
  private graphSeen = false;
  private opsOverflow = false;

  constructor(source: ByteSource, options: ParseOnnxOptions) {
    this.r = new ProtoReader(source, options);
  }

  async run(): Promise<OnnxParse> {
    const { r, doc } = this;
    let trainingInfos = 0;
    for await (const f of r.fields(r.all, { depth: 0, what: "ModelProto" })) {
      switch (f.no) {
        case 1: // ir_version: int64
          if (isVarint(f)) doc.irVersion = f.value;
          else r.wrongType(f, "ModelProto");
          break;
        case 2: // producer_name
          if (isLen(f)) doc.producerName = await r.text(f);
          break;
        case 3: // producer_version
          if (isLen(f)) doc.producerVersion = await r.text(f);
          break;
        case 4: // domain
          if (isLen(f)) doc.domain = await r.text(f);
          break;
        case 5: // model_version: int64
          if (isVarint(f)) doc.modelVersion = f.value;
          break;
        case 7: // graph: GraphProto
          if (isLen(f)) {
            this.graphSeen = true;
            await this.graph(f, { protoDepth: 1, graphDepth: 0, graph: "graph" });
          } else r.wrongType(f, "ModelProto");
          break;
        case 8: // opset_import: OperatorSetIdProto
          if (isLen(f)) await this.opsetImport(f);
          break;
        case 20: // training_info: TrainingInfoProto
          if (isLen(f)) await this.trainingInfo(f, trainingInfos++);
          break;
        case 25: // functions: FunctionProto
          if (isLen(f)) await this.function(f);
          break;
        default:
          break;
      }
    }
    doc.ops = [...this.ops.values()];
    const local = new Set(doc.functions.map((fn) => opKey(fn.domain, fn.name)));
    for (const op of doc.ops) op.localFunction = local.has(opKey(op.domain, op.opType));
    this.defects.push(...r.defects);
    const ir = doc.irVersion;
    const convincing = ir !== undefined && ir >= 1 && ir <= MAX_PLAUSIBLE_IR_VERSION && this.graphSeen && !this.defects.some((d) => d.fatal);
    return { document: doc, defects: this.defects, convincing };
  }

  private async opsetImport(range: ProtoRange): Promise<void> {
    let domain = "";
    let version = 0;
    for await (const f of this.r.fields(range, { depth: 1, what: "OperatorSetIdProto" })) {
      if (f.no === 1 && isLen(f)) domain = await this.r.text(f);
      else if (f.no === 2 && isVarint(f)) version = f.value;
    }
    this.doc.opsetImports.push({ domain, version });
  }

  private async trainingInfo(range: ProtoRange, index: number): Promise<void> {
    for await (const f of this.r.fields(range, { depth: 1, what: "TrainingInfoProto" })) {
      // 1 initialization, 2 algorithm: both GraphProto, both run by training runtimes.
      if ((f.no === 1 || f.no === 2) && isLen(f)) {
        const part = f.no === 1 ? "initialization" : "algorithm";
        await this.graph(f, { protoDepth: 2, graphDepth: 0, graph: `training_info[${index}].${part}` });
      }
    }
  }

  private async function(range: LenField): Promise<void> {
    let name = "";
    let domain = "";
    const nodes: LenField[] = [];
    for await (const f of this.r.fields(range, { depth: 1, what: "FunctionProto" })) {
      if (f.no === 1 && isLen(f)) name = await this.r.text(f);
      else if (f.no === 10 && isLen(f)) domain = await this.r.text(f);
      else if (f.no === 7 && isLen(f)) nodes.push(f);
    }
    this.doc.functions.push({ domain, name, offset: range.offset });
    const scope = { protoDepth: 2, graphDepth: 0, graph: `function ${JSON.stringify(domain ? `${domain}.${name}` : name)}` };
    for (const [i, node] of nodes.entries()) await this.node(node, i, scope);
  }

  private async graph(range: LenField, scope: Scope): Promise<void> {
    const { r, doc } = this;
    if (scope.graphDepth > MAX_ONNX_GRAPH_DEPTH) {
      this.defects.push(defect("limit-exceeded", `Cannot walk ONNX ${scope.graph}: subgraphs nested deeper than ${MAX_ONNX_GRAPH_DEPTH}`, { offset: range.offset, limit: "MAX_ONNX_GRAPH_DEPTH" }));
      return;
    }
    doc.graphs++;
    doc.maxGraphDepth = Math.max(doc.maxGraphDepth, scope.graphDepth);
    // Nodes (field 1) come before the name (field 2) on the wire: name the main graph first.
    if (scope.graph === "graph") scope = { ...scope, graph: `graph ${JSON.stringify(await this.graphName(range, scope.protoDepth))}` };
    let index = 0;
    for await (const f of r.fields(range, { depth: scope.protoDepth, what: "GraphProto" })) {
      if (!isLen(f)) continue;
      switch (f.no) {
        case 1: // node: NodeProto
          await this.node(f, index++, scope);
          break;
        case 5: // initializer: TensorProto
          await this.tensor(f, scope.protoDepth + 1, scope.graph, true);
          break;
        case 15: // sparse_initializer: SparseTensorProto
          await this.sparseTensor(f, scope.protoDepth + 1, scope.graph);
          break;
        default:
          break;
      }
    }
  }

  /** GraphProto.name (2), read in a pass that skips everything else by length. */
  private async graphName(range: LenField, depth: number): Promise<string> {
    let name = "";
    const probe = new ProtoReader(this.r.source);
    for await (const f of probe.fields(range, { depth: depth, what: "GraphProto" })) {
      if (f.no === 2 && isLen(f)) name = await probe.text(f);
    }
    return name;
  }

  private async node(range: LenField, index: number, scope: Scope): Promise<void> {
    const { r } = this;
    this.doc.nodes++;
    let name = "";
    let opType = "";
    let domain = "";
    const attributes: LenField[] = [];
    for await (const f of r.fields(range, { depth: scope.protoDepth + 1, what: "NodeProto" })) {
      if (!isLen(f)) continue;
      if (f.no === 3) name = await r.text(f);
      else if (f.no === 4) opType = await r.text(f);
      else if (f.no === 7) domain = await r.text(f);
      else if (f.no === 5) attributes.push(f);
    }
    const label = `node ${index} ${JSON.stringify(name)} (${opType})`;
    this.recordOp(domain, opType, { graph: scope.graph, node: label, offset: range.offset });
    for (const attribute of attributes) await this.attribute(attribute, scope, label);
  }

  private recordOp(domain: string, opType: string, site: { graph: string; node: string; offset: number }): void {
    const key = opKey(domain, opType);
    let use = this.ops.get(key);
    if (!use) {
      if (this.ops.size >= MAX_ONNX_DISTINCT_OPS) {
        if (!this.opsOverflow) {
          this.opsOverflow = true;
          this.defects.push(defect("limit-exceeded", `ONNX model uses more than ${MAX_ONNX_DISTINCT_OPS} distinct operators; the rest were not recorded`, { offset: site.offset, limit: "MAX_ONNX_DISTINCT_OPS" }));
        }
        return;
      }
      use = { domain, opType, count: 0, sites: [], localFunction: false };
      this.ops.set(key, use);
    }
    use.count++;
    if (use.sites.length < MAX_ONNX_OP_SITES) use.sites.push(site);
  }

  /** AttributeProto: tensors (5, 10, 22, 23) may be external; graphs (6, 11) are subgraphs to walk. */
  private async attribute(range: LenField, scope: Scope, node: string): Promise<void> {
    const { r } = this;
    let name = "";
    const graphs: LenField[] = [];
    const depth = scope.protoDepth + 2;
    for await (const f of r.fields(range, { depth: depth, what: "AttributeProto" })) {
      if (!isLen(f)) continue;
      if (f.no === 1) name = await r.text(f);
      else if (f.no === 6 || f.no === 11) graphs.push(f);
      else if (f.no === 5 || f.no === 10) await this.tensor(f, depth + 1, `${scope.graph} > ${node}`);
      else if (f.no === 22 || f.no === 23) await this.sparseTensor(f, depth + 1, `${scope.graph} > ${node}`);
    }
    for (const [i, g] of graphs.entries()) {
      const suffix = graphs.length > 1 ? `${name}[${i}]` : name;
      await this.graph(g, { protoDepth: depth + 1, graphDepth: scope.graphDepth + 1, graph: `${scope.graph} > ${node}.${suffix}` });
    }
  }

  private async sparseTensor(range: LenField, depth: number, graph: string): Promise<void> {
    for await (const f of this.r.fields(range, { depth: depth, what: "SparseTensorProto" })) {
      // 1 values, 2 indices: both TensorProto.
      if ((f.no === 1 || f.no === 2) && isLen(f)) await this.tensor(f, depth + 1, graph);
    }
  }

  /** TensorProto: only the name (8), external_data (13) and data_location (14) matter here. */
  private async tensor(range: LenField, depth: number, graph: string, initializer = false): Promise<void> {
    const { r } = this;
    let name = "";
    let dataLocation: number | undefined;
    const entries: OnnxExternalEntry[] = [];
    let dropped = 0;
    // Listing facts (dims 1, data_type 2, raw_data 9), kept for initialisers only.
    const dims: number[] = [];
    let dataType = 0;
    let rawBytes = 0;
    for await (const f of r.fields(range, { depth: depth, what: "TensorProto" })) {
      if (f.no === 1 && isVarint(f)) {
        if (dims.length < MAX_ONNX_DIMS) dims.push(f.value);
      } else if (f.no === 1 && isLen(f)) dims.push(...(await this.packed(f)));
      else if (f.no === 2 && isVarint(f)) dataType = f.value;
      else if (f.no === 9 && isLen(f)) rawBytes = f.end - f.start;
      else if (f.no === 8 && isLen(f)) name = await r.text(f);
      else if (f.no === 14 && isVarint(f)) dataLocation = f.value;
      else if (f.no === 13 && isLen(f)) {
        if (entries.length >= MAX_ONNX_EXTERNAL_ENTRIES) dropped++;
        else entries.push(await this.entry(f, depth + 1));
      }
    }
    if (initializer) {
      const list = (this.doc.initializers ??= []);
      if (list.length < MAX_ONNX_INITIALIZERS) list.push({ name, graph, dataType, dims, rawBytes });
    }
    if (entries.length === 0 && dataLocation !== 1) return;
    if (dropped > 0) {
      this.defects.push(defect("limit-exceeded", `Tensor ${JSON.stringify(name)} has more than ${MAX_ONNX_EXTERNAL_ENTRIES} external_data entries; ${dropped} were not checked`, { offset: range.offset, limit: "MAX_ONNX_EXTERNAL_ENTRIES" }));
    }
    if (this.doc.externalData.length >= MAX_ONNX_EXTERNAL_TENSORS) {
      if (this.doc.externalDataOmitted++ === 0) {
        this.defects.push(defect("limit-exceeded", `More than ${MAX_ONNX_EXTERNAL_TENSORS} tensors with external data; the rest were not checked`, { offset: range.offset, limit: "MAX_ONNX_EXTERNAL_TENSORS" }));
      }
      return;
    }
    const locationEntry = entries.filter((e) => e.key === "location").pop();
    this.doc.externalData.push({
      tensor: name,
      graph,
      offset: range.offset,
      dataLocation,
      entries,
      ...(locationEntry ? { location: classifyLocation(locationEntry.value) } : {}),
      unknownKeys: unknownKeys(entries),
      duplicateKeys: duplicateKeys(entries),
      numberIssues: numberIssues(entries),
    });
  }

  /** Packed repeated varints (proto3 writers pack TensorProto.dims), at most MAX_ONNX_DIMS. */
  private async packed(range: LenField): Promise<number[]> {
    const bytes = await this.r.bytes(range, MAX_ONNX_DIMS * 10);
    const out: number[] = [];
    for (let pos = 0; bytes !== undefined && pos < bytes.length && out.length < MAX_ONNX_DIMS; ) {
      const v = decodeVarint(bytes, pos);
      if (v === undefined) break;
      out.push(v.value);
      pos += v.length;
    }
    return out;
  }

  /** StringStringEntryProto { 1 key, 2 value }. */
  private async entry(range: LenField, depth: number): Promise<OnnxExternalEntry> {
    let key = "";
    let value = "";
    for await (const f of this.r.fields(range, { depth: depth, what: "StringStringEntryProto" })) {
      if (f.no === 1 && isLen(f)) key = await this.r.text(f);
      else if (f.no === 2 && isLen(f)) value = await this.r.text(f);
    }
    return { key, value, offset: range.offset };
  }
}

function opKey(domain: string, opType: string): string {
  return `${domain}\u0000${opType}`;
}
