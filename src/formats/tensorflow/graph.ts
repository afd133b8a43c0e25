import { defect, type Defect } from "../../core/defect.js";
import { ProtoReader, isLen, type LenField, type ProtoRange } from "../protobuf/index.js";
import { MAX_TF_DISTINCT_OPS, MAX_TF_FUNCTION_NAMES, MAX_TF_NESTED_GRAPH_DEPTH, MAX_TF_OP_SITES, MIN_NESTED_GRAPH_BYTES, NESTED_GRAPH_SNIFF_BYTES } from "./limits.js";
import { looksLikeGraphDef } from "./sniff-graph.js";
import type { TfGraphDocument, TfOpUse, TfSite } from "./types.js";

/** Where the walker is: message depth for the wire reader, graph nesting and a path for reports. */
export interface GraphScope {
  protoDepth: number;
  nest: number;
  where: string;
}

/**
 * Walks GraphDefs (tensorflow/core/framework/graph.proto): every NodeDef's op, every
 * FunctionDef in the library, and every string value (attribute `s`, list `s`, tensor
 * `string_val`) that is itself a serialized GraphDef, recursively. The last is how ModelScan
 * 0.8.8 was bypassed: a `WriteFile` inside a GraphDef string fed to `DatasetFromGraph`.
 */
export class TfGraphWalker {
  readonly defects: Defect[] = [];
  private readonly ops = new Map<string, TfOpUse>();
  private opsOverflow = false;

  constructor(
    readonly r: ProtoReader,
    readonly doc: TfGraphDocument,
  ) {}

  /** Ops in first-seen order, once the walk is done. */
  finishOps(): void {
    this.doc.ops = [...this.ops.values()];
  }

  /** GraphDef { 1 node: NodeDef*, 2 library: FunctionDefLibrary }. */
  async graphDef(range: ProtoRange, scope: GraphScope): Promise<void> {
    this.doc.graphs++;
    let index = 0;
    for await (const f of this.r.fields(range, { depth: scope.protoDepth, what: "GraphDef" })) {
      if (!isLen(f)) continue;
      if (f.no === 1) await this.nodeDef(f, scope, index++);
      else if (f.no === 2) await this.library(f, scope);
    }
  }

  /** FunctionDefLibrary { 1 function: FunctionDef* } (gradients name functions already listed). */
  private async library(range: LenField, scope: GraphScope): Promise<void> {
    for await (const f of this.r.fields(range, { depth: scope.protoDepth + 1, what: "FunctionDefLibrary" })) {
      if (f.no === 1 && isLen(f)) await this.functionDef(f, scope);
    }
  }

  /** FunctionDef { 1 signature: OpDef { 1 name }, 3 node_def: NodeDef* }. */
  private async functionDef(range: LenField, scope: GraphScope): Promise<void> {
    const depth = scope.protoDepth + 2;
    let name = "";
    const nodes: LenField[] = [];
    for await (const f of this.r.fields(range, { depth: depth, what: "FunctionDef" })) {
      if (!isLen(f)) continue;
      if (f.no === 1) name = await this.opDefName(f, depth + 1);
      else if (f.no === 3) nodes.push(f);
    }
    this.doc.functionCount++;
    if (this.doc.functions.length < MAX_TF_FUNCTION_NAMES) this.doc.functions.push(name);
    const where = scope.nest === 0 ? `function ${JSON.stringify(name)}` : `${scope.where} > function ${JSON.stringify(name)}`;
    const inner = { protoDepth: depth, nest: scope.nest, where };
    for (const [i, node] of nodes.entries()) await this.nodeDef(node, inner, i);
  }

  /** OpDef { 1 name }. */
  async opDefName(range: ProtoRange, depth: number): Promise<string> {
    for await (const f of this.r.fields(range, { depth: depth, what: "OpDef" })) {
      if (f.no === 1 && isLen(f)) return this.r.text(f);
    }
    return "";
  }

  /** NodeDef { 1 name, 2 op, 5 attr: map<string, AttrValue> }. */
  private async nodeDef(range: LenField, scope: GraphScope, index: number): Promise<void> {
    const { r } = this;
    const depth = scope.protoDepth + 1;
    let name = "";
    let op = "";
    const attrs: LenField[] = [];
    for await (const f of r.fields(range, { depth: depth, what: "NodeDef" })) {
      if (!isLen(f)) continue;
      if (f.no === 1) name = await r.text(f);
      else if (f.no === 2) op = await r.text(f);
      else if (f.no === 5) attrs.push(f);
    }
    this.doc.nodes++;
    const node = `node ${index} ${JSON.stringify(name)} (${op})`;
    this.recordOp(op, { where: scope.where, node, offset: range.offset });
    for (const attr of attrs) await this.attrEntry(attr, { ...scope, protoDepth: depth + 1 }, node, op);
  }

  private recordOp(op: string, site: TfSite): void {
    let use = this.ops.get(op);
    if (!use) {
      if (this.ops.size >= MAX_TF_DISTINCT_OPS) {
        if (!this.opsOverflow) {
          this.opsOverflow = true;
          this.defects.push(defect("limit-exceeded", `Graph uses more than ${MAX_TF_DISTINCT_OPS} distinct ops; the rest were not recorded`, { offset: site.offset, limit: "MAX_TF_DISTINCT_OPS" }));
        }
        return;
      }
      use = { op, count: 0, sites: [] };
      this.ops.set(op, use);
    }
    use.count++;
    if (use.sites.length < MAX_TF_OP_SITES) use.sites.push(site);
  }

  /** map<string, AttrValue> entry { 1 key, 2 value }. */
  private async attrEntry(range: LenField, scope: GraphScope, node: string, op: string): Promise<void> {
    let key = "";
    let value: LenField | undefined;
    for await (const f of this.r.fields(range, { depth: scope.protoDepth, what: "NodeDef.AttrEntry" })) {
      if (!isLen(f)) continue;
      if (f.no === 1) key = await this.r.text(f);
      else if (f.no === 2) value = f;
    }
    if (value) await this.attrValue(value, { ...scope, protoDepth: scope.protoDepth + 1 }, node, op, key);
  }

  /** AttrValue { 1 list: ListValue, 2 s, 8 tensor: TensorProto }; other kinds carry no strings. */
  private async attrValue(range: LenField, scope: GraphScope, node: string, op: string, key: string): Promise<void> {
    for await (const f of this.r.fields(range, { depth: scope.protoDepth, what: "AttrValue" })) {
      if (!isLen(f)) continue;
      if (f.no === 2) {
        if (op === "PrintV2" && key === "output_stream") {
          this.doc.printTargets.push({ where: scope.where, node, target: await this.r.text(f), offset: f.offset });
        }
        await this.maybeNestedGraph(f, { scope, node, via: `attr ${JSON.stringify(key)}` });
      } else if (f.no === 1) {
        await this.listValue(f, { ...scope, protoDepth: scope.protoDepth + 1 }, node, key);
      } else if (f.no === 8) {
        await this.tensor(f, { ...scope, protoDepth: scope.protoDepth + 1 }, node, `attr ${JSON.stringify(key)} tensor`);
      }
    }
  }

  /** ListValue { 2 s*, 8 tensor* }. */
  private async listValue(range: LenField, scope: GraphScope, node: string, key: string): Promise<void> {
    for await (const f of this.r.fields(range, { depth: scope.protoDepth, what: "AttrValue.ListValue" })) {
      if (!isLen(f)) continue;
      if (f.no === 2) await this.maybeNestedGraph(f, { scope, node, via: `attr ${JSON.stringify(key)} list` });
      else if (f.no === 8) await this.tensor(f, { ...scope, protoDepth: scope.protoDepth + 1 }, node, `attr ${JSON.stringify(key)} list tensor`);
    }
  }

  /** TensorProto { 8 string_val* }: a Const of dtype string can carry a whole serialized graph. */
  private async tensor(range: LenField, scope: GraphScope, node: string, via: string): Promise<void> {
    for await (const f of this.r.fields(range, { depth: scope.protoDepth, what: "TensorProto" })) {
      if (f.no === 8 && isLen(f)) await this.maybeNestedGraph(f, { scope, node, via: `${via} string_val` });
    }
  }

  /** Walks `range` as a GraphDef when it looks like one; `node` and `via` say where the string was. */
  async maybeNestedGraph(range: LenField, { scope, node, via }: { scope: GraphScope; node: string; via: string }): Promise<void> {
    const length = range.end - range.start;
    if (length < MIN_NESTED_GRAPH_BYTES) return;
    const head = await this.r.bytes({ start: range.start, end: range.start + Math.min(length, NESTED_GRAPH_SNIFF_BYTES) }, NESTED_GRAPH_SNIFF_BYTES);
    if (!head || !looksLikeGraphDef(head, { start: 0, end: length })) return;
    const where = `${scope.where} > nested graph in ${node} ${via}`;
    if (scope.nest + 1 > MAX_TF_NESTED_GRAPH_DEPTH) {
      this.defects.push(defect("limit-exceeded", `Cannot walk ${where}: serialized graphs nested deeper than ${MAX_TF_NESTED_GRAPH_DEPTH}`, { offset: range.offset, limit: "MAX_TF_NESTED_GRAPH_DEPTH" }));
      return;
    }
    const before = this.doc.nodes;
    const entry = { where: scope.where, node, via, offset: range.offset, nodes: 0 };
    this.doc.nestedGraphs.push(entry);
    await this.graphDef(range, { protoDepth: scope.protoDepth + 1, nest: scope.nest + 1, where });
    entry.nodes = this.doc.nodes - before;
  }
}

/** An empty document for the walkers to fill. */
export function emptyGraphDocument(format: TfGraphDocument["format"]): TfGraphDocument {
  return { format, metaGraphs: [], ops: [], functions: [], functionCount: 0, nestedGraphs: [], printTargets: [], strippedOps: [], nodes: 0, graphs: 0 };
}
