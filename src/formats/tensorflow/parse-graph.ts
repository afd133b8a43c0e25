import type { ByteSource } from "../../core/byte-source.js";
import type { Defect } from "../../core/defect.js";
import { ProtoReader, isLen, isVarint, type LenField } from "../protobuf/index.js";
import { TfGraphWalker, emptyGraphDocument } from "./graph.js";
import type { TfGraphDocument } from "./types.js";

export interface ParseTfOptions {
  now?: () => number;
  deadline?: number;
}

export interface TfGraphParse {
  document: TfGraphDocument;
  defects: Defect[];
  /** Parsed cleanly and has the shape of its format (a meta graph, or nodes with ops). */
  convincing: boolean;
}

/**
 * Walks a SavedModel (`saved_model.pb`: tensorflow/core/protobuf/saved_model.proto and
 * meta_graph.proto): each MetaGraphDef's tags and TF version, its stripped op list, its
 * GraphDef with the function library, and `bytes_list` collections (which can carry
 * serialized graphs too).
 *
 * @example
 * const { document } = await parseSavedModel(source);
 * document.ops.map((o) => o.op); // ["Const", "PyFunc"]
 */
export async function parseSavedModel(source: ByteSource, options: ParseTfOptions = {}): Promise<TfGraphParse> {
  const r = new ProtoReader(source, options);
  const doc = emptyGraphDocument("tf-savedmodel");
  const walker = new TfGraphWalker(r, doc);
  let metaGraphsWithContent = 0;
  let unexpected = 0;
  for await (const f of r.fields(r.all, { depth: 0, what: "SavedModel" })) {
    if (f.no === 1 && isVarint(f)) doc.schemaVersion = f.value;
    else if (f.no === 2 && isLen(f)) {
      if (await metaGraph(walker, f)) metaGraphsWithContent++;
    } else unexpected++;
  }
  walker.finishOps();
  const defects = [...r.defects, ...walker.defects];
  const convincing = metaGraphsWithContent > 0 && unexpected === 0 && !defects.some((d) => d.fatal);
  return { document: doc, defects, convincing };
}

/**
 * Walks a bare GraphDef (a frozen graph `.pb`).
 *
 * @example
 * const { document } = await parseGraphDef(source);
 */
export async function parseGraphDef(source: ByteSource, options: ParseTfOptions = {}): Promise<TfGraphParse> {
  const r = new ProtoReader(source, options);
  const doc = emptyGraphDocument("tf-graphdef");
  const walker = new TfGraphWalker(r, doc);
  await walker.graphDef(r.all, { protoDepth: 0, nest: 0, where: "graph" });
  walker.finishOps();
  const defects = [...r.defects, ...walker.defects];
  const named = doc.ops.some((o) => /^[A-Za-z_][A-Za-z0-9_>.-]*$/.test(o.op));
  const convincing = doc.nodes > 0 && named && !defects.some((d) => d.fatal);
  return { document: doc, defects, convincing };
}

/** MetaGraphDef { 1 meta_info_def, 2 graph_def, 4 collection_def: map<string, CollectionDef> }. Returns whether it had content. */
async function metaGraph(walker: TfGraphWalker, range: LenField): Promise<boolean> {
  const { r, doc } = walker;
  const info: { tags: string[]; tensorflowVersion?: string } = { tags: [] };
  doc.metaGraphs.push(info);
  const where = doc.metaGraphs.length > 1 ? `meta_graph ${doc.metaGraphs.length - 1} graph` : "graph";
  let content = false;
  for await (const f of r.fields(range, { depth: 1, what: "MetaGraphDef" })) {
    if (!isLen(f)) continue;
    if (f.no === 1) {
      content = true;
      await metaInfo(walker, f, info);
    } else if (f.no === 2) {
      content = true;
      await walker.graphDef(f, { protoDepth: 2, nest: 0, where });
    } else if (f.no === 4) {
      await collection(walker, f, where);
    } else if (f.no >= 3 && f.no <= 7) {
      content = true;
    }
  }
  return content;
}

/** MetaInfoDef { 2 stripped_op_list: OpList { 1 op: OpDef* }, 4 tags*, 5 tensorflow_version }. */
async function metaInfo(walker: TfGraphWalker, range: LenField, info: { tags: string[]; tensorflowVersion?: string }): Promise<void> {
  const { r, doc } = walker;
  for await (const f of r.fields(range, { depth: 2, what: "MetaInfoDef" })) {
    if (!isLen(f)) continue;
    if (f.no === 4) info.tags.push(await r.text(f));
    else if (f.no === 5) info.tensorflowVersion = await r.text(f);
    else if (f.no === 2) {
      for await (const op of r.fields(f, { depth: 3, what: "OpList" })) {
        if (op.no === 1 && isLen(op)) {
          const name = await walker.opDefName(op, 4);
          if (!doc.strippedOps.includes(name)) doc.strippedOps.push(name);
        }
      }
    }
  }
}

/** collection_def entry { 1 key, 2 CollectionDef { 2 bytes_list: BytesList { 1 value* } } }. */
async function collection(walker: TfGraphWalker, range: LenField, where: string): Promise<void> {
  const { r } = walker;
  let key = "";
  let value: LenField | undefined;
  for await (const f of r.fields(range, { depth: 2, what: "CollectionDef entry" })) {
    if (f.no === 1 && isLen(f)) key = await r.text(f);
    else if (f.no === 2 && isLen(f)) value = f;
  }
  if (!value) return;
  const node = `collection ${JSON.stringify(key)}`;
  for await (const kind of r.fields(value, { depth: 3, what: "CollectionDef" })) {
    if (kind.no !== 2 || !isLen(kind)) continue;
    for await (const item of r.fields(kind, { depth: 4, what: "CollectionDef.BytesList" })) {
      if (item.no === 1 && isLen(item)) await walker.maybeNestedGraph(item, { scope: { protoDepth: 5, nest: 0, where }, node, via: "bytes_list value" });
    }
  }
}
