/**
 * Writes protobuf wire bytes field by field, for adversarial tests: nothing here knows a schema,
 * so a test can write exactly the bytes it means, including wrong lengths, bad wire types and
 * absurd nesting.
 *
 * @example
 * const model = new ProtoWriter().varint(1, 8).string(2, "pytorch").message(7, (g) => g.message(1, (n) => n.string(4, "Relu"))).toBytes();
 */
export class ProtoWriter {
  private readonly parts: number[] = [];

  /** Appends raw bytes (or the UTF-8 of a string) with no framing. */
  raw(...bytes: (number | string | Uint8Array)[]): this {
    for (const b of bytes) {
      if (typeof b === "number") this.parts.push(b);
      else if (typeof b === "string") this.parts.push(...new TextEncoder().encode(b));
      else this.parts.push(...b);
    }
    return this;
  }

  /** A base-128 varint with no tag (numbers up to 2^53, or bigint for full 64-bit values). */
  rawVarint(value: number | bigint): this {
    let v = BigInt(value);
    if (v < 0n) v += 1n << 64n;
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      this.parts.push(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
    return this;
  }

  tag(no: number, wire: number): this {
    return this.rawVarint(BigInt(no) * 8n + BigInt(wire));
  }

  varint(no: number, value: number | bigint): this {
    return this.tag(no, 0).rawVarint(value);
  }

  fixed32(no: number, value: number): this {
    this.tag(no, 5);
    for (let i = 0; i < 4; i++) this.parts.push((value >>> (8 * i)) & 0xff);
    return this;
  }

  fixed64(no: number, value: bigint): this {
    this.tag(no, 1);
    for (let i = 0n; i < 8n; i++) this.parts.push(Number((value >> (8n * i)) & 0xffn));
    return this;
  }

  /** A length-delimited field; `declared` overrides the written length (to lie about it). */
  bytes(no: number, data: Uint8Array | string, declared?: number): this {
    const b = typeof data === "string" ? new TextEncoder().encode(data) : data;
    return this.tag(no, 2).rawVarint(declared ?? b.length).raw(b);
  }

  string(no: number, text: string): this {
    return this.bytes(no, text);
  }

  /** A sub-message built by `build` (or given as a writer or bytes). */
  message(no: number, build: ((w: ProtoWriter) => unknown) | ProtoWriter | Uint8Array): this {
    let bytes: Uint8Array;
    if (build instanceof Uint8Array) bytes = build;
    else if (build instanceof ProtoWriter) bytes = build.toBytes();
    else {
      const w = new ProtoWriter();
      build(w);
      bytes = w.toBytes();
    }
    return this.bytes(no, bytes);
  }

  get length(): number {
    return this.parts.length;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A sub-message's bytes built in one expression. */
export function proto(build: (w: ProtoWriter) => unknown): Uint8Array {
  const w = new ProtoWriter();
  build(w);
  return w.toBytes();
}

// ---- ONNX (onnx.proto3 field numbers) -------------------------------------------------------

export interface OnnxNodeSpec {
  op: string;
  domain?: string;
  name?: string;
  /** AttributeProto bodies (name + value fields), e.g. `(a) => a.string(1, "then_branch").message(6, graph)`. */
  attributes?: ((a: ProtoWriter) => unknown)[];
}

/** NodeProto { 3 name, 4 op_type, 5 attribute*, 7 domain }. */
export function onnxNode(spec: OnnxNodeSpec): Uint8Array {
  return proto((n) => {
    n.string(1, "x").string(2, "y").string(3, spec.name ?? `${spec.op}_0`).string(4, spec.op);
    for (const a of spec.attributes ?? []) n.message(5, a);
    if (spec.domain !== undefined) n.string(7, spec.domain);
  });
}

/** TensorProto { 1 dims, 2 data_type, 8 name, 13 external_data { 1 key, 2 value }*, 14 data_location }. */
export function onnxTensor(name: string, external: [string, string][] = [], dataLocation = external.length > 0 ? 1 : 0): Uint8Array {
  return proto((t) => {
    t.varint(1, 4).varint(2, 1).string(8, name);
    for (const [key, value] of external) t.message(13, (e) => e.string(1, key).string(2, value));
    if (dataLocation !== 0) t.varint(14, dataLocation);
    if (external.length === 0) t.bytes(9, new Uint8Array(16));
  });
}

/** GraphProto { 1 node*, 2 name, 5 initializer* }. */
export function onnxGraph(nodes: Uint8Array[], initializers: Uint8Array[] = [], name = "main"): Uint8Array {
  return proto((g) => {
    for (const n of nodes) g.message(1, n);
    g.string(2, name);
    for (const t of initializers) g.message(5, t);
  });
}

/** ModelProto { 1 ir_version, 2 producer_name, 7 graph, 8 opset_import, 25 functions }. */
export function onnxModel(graph: Uint8Array, options: { irVersion?: number; functions?: Uint8Array[] } = {}): Uint8Array {
  return proto((m) => {
    m.varint(1, options.irVersion ?? 8).string(2, "modelvet-tests").message(7, graph).message(8, (o) => o.string(1, "").varint(2, 13));
    for (const f of options.functions ?? []) m.message(25, f);
  });
}

/** FunctionProto { 1 name, 7 node*, 10 domain }. */
export function onnxFunction(domain: string, name: string, nodes: Uint8Array[]): Uint8Array {
  return proto((f) => {
    f.string(1, name);
    for (const n of nodes) f.message(7, n);
    f.string(10, domain);
  });
}

// ---- TensorFlow (graph.proto, node_def.proto, saved_model.proto) ----------------------------

export type TfAttr = [key: string, value: (w: ProtoWriter) => unknown];

/** NodeDef { 1 name, 2 op, 5 attr: map<string, AttrValue> }. */
export function tfNode(name: string, op: string, attrs: TfAttr[] = []): Uint8Array {
  return proto((w) => {
    w.string(1, name).string(2, op);
    for (const [key, value] of attrs) w.message(5, (e) => e.string(1, key).message(2, value));
  });
}

/** GraphDef { 1 node*, 2 library { 1 function: FunctionDef { 1 signature { 1 name }, 3 node_def* } } }. */
export function tfGraph(nodes: Uint8Array[], functions: [string, Uint8Array[]][] = []): Uint8Array {
  return proto((w) => {
    for (const n of nodes) w.message(1, n);
    if (functions.length > 0) {
      w.message(2, (lib) => {
        for (const [name, body] of functions) {
          lib.message(1, (fn) => {
            fn.message(1, (sig) => sig.string(1, name));
            for (const n of body) fn.message(3, n);
          });
        }
      });
    }
  });
}

/** SavedModel { 1 schema_version, 2 meta_graphs { 1 meta_info_def { 4 tags, 5 tensorflow_version }, 2 graph_def } }. */
export function tfSavedModel(graphDef: Uint8Array, extra?: (metaGraph: ProtoWriter) => unknown): Uint8Array {
  return proto((w) =>
    w.varint(1, 1).message(2, (m) => {
      m.message(1, (info) => info.string(4, "serve").string(5, "2.15.0")).message(2, graphDef);
      extra?.(m);
    }),
  );
}

/** A Const of dtype string (7) whose tensor holds `bytes` in string_val (8). */
export function tfStringConst(name: string, bytes: Uint8Array): Uint8Array {
  return tfNode(name, "Const", [
    ["value", (v) => v.message(8, (t) => t.varint(1, 7).bytes(8, bytes))],
    ["dtype", (v) => v.varint(6, 7)],
  ]);
}
