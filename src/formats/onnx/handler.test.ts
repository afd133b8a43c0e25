import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { onnxFunction, onnxGraph, onnxModel, onnxNode, onnxTensor, proto, tfGraph, tfNode, tfSavedModel } from "../../test-support/protobuf-builder.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { classifyLocation } from "./external-data.js";
import { onnxHandler } from "./handler.js";
import { MAX_ONNX_GRAPH_DEPTH } from "./limits.js";
import { parseOnnx } from "./parse.js";
import { sniffOnnx } from "./sniff.js";

const analyze = (bytes: Uint8Array, name: string) => onnxHandler.analyze(new MemorySource(bytes), testScanContext({}, { name }));
const hint = (name: string, size: number) => ({ name, size, parents: [] });

/** A model whose main graph holds `depth` levels of If nodes, the innermost with a custom op. */
function nestedIfs(depth: number): Uint8Array {
  let graph = onnxGraph([onnxNode({ op: "Deep", domain: "x.y" })], [], "inner");
  for (let i = 0; i < depth; i++) graph = onnxGraph([onnxNode({ op: "If", attributes: [(a) => a.string(1, "then_branch").message(6, graph)] })], [], `level${i}`);
  return onnxModel(graph);
}

describe("ONNX sniffing and trials", () => {
  const model = onnxModel(onnxGraph([onnxNode({ op: "Relu" })]));

  it("is strong on ir_version + a graph whose first node has an op, whatever the name", () => {
    expect(sniffOnnx(model, hint("weights.bin", model.length))).toBe("strong");
  });

  it("is weak on a bare ir_version, and on graph-first protobufs only when named .onnx", () => {
    const irOnly = proto((m) => m.varint(1, 7).string(2, "exporter"));
    expect(sniffOnnx(irOnly, hint("x.bin", irOnly.length))).toBe("weak");
    const graphFirst = proto((m) => m.message(7, onnxGraph([onnxNode({ op: "Relu" })])));
    expect(sniffOnnx(graphFirst, hint("x.bin", graphFirst.length))).toBe("no");
    expect(sniffOnnx(graphFirst, hint("x.onnx", graphFirst.length))).toBe("weak");
  });

  it("drops a weak trial that is not a model (a SavedModel, a bare varint pair)", async () => {
    expect(await analyze(tfSavedModel(tfGraph([tfNode("a", "Const")])), "saved_model.pb")).toBeUndefined();
    expect(await analyze(proto((m) => m.varint(1, 3).varint(5, 1)), "data.bin")).toBeUndefined();
  });

  it("reports a truncated .onnx file with its defects instead of dropping it", async () => {
    const cut = model.subarray(0, model.length - 5);
    const analysis = await analyze(cut, "model.onnx");
    expect(analysis?.format).toBe("onnx");
    expect(analysis?.defects.some((d) => d.fatal && d.code === "truncated")).toBe(true);
  });
});

describe("ONNX walk", () => {
  it(`follows subgraphs ${MAX_ONNX_GRAPH_DEPTH} deep and reports one level past it`, async () => {
    const atLimit = await parseOnnx(new MemorySource(nestedIfs(MAX_ONNX_GRAPH_DEPTH)));
    expect(atLimit.defects).toEqual([]);
    expect(atLimit.document.ops.map((o) => o.opType)).toContain("Deep");
    const past = await parseOnnx(new MemorySource(nestedIfs(MAX_ONNX_GRAPH_DEPTH + 1)));
    expect(past.document.ops.map((o) => o.opType)).not.toContain("Deep");
    expect(past.defects.map((d) => d.limit)).toEqual(["MAX_ONNX_GRAPH_DEPTH"]);
  });

  it("finds external data in sparse initializers, attribute tensors, functions and training graphs", async () => {
    const ext = (name: string) => onnxTensor(name, [["location", `${name}.bin`]]);
    const graph = proto((g) => {
      g.message(1, onnxNode({ op: "Constant", attributes: [(a) => a.string(1, "value").message(5, ext("attr"))] }));
      g.string(2, "main");
      g.message(15, (s) => s.message(1, ext("sparse_values")).message(2, ext("sparse_indices")));
    });
    const training = onnxGraph([], [ext("training")], "train");
    const fn = onnxFunction("f.d", "F", [onnxNode({ op: "Constant", attributes: [(a) => a.string(1, "value").message(5, ext("in_function"))] })]);
    const bytes = proto((m) => m.varint(1, 8).message(7, graph).message(20, (t) => t.message(2, training)).message(25, fn));
    const { document, convincing } = await parseOnnx(new MemorySource(bytes));
    expect(convincing).toBe(true);
    expect(document.externalData.map((t) => `${t.tensor} @ ${t.graph}`)).toEqual([
      'attr @ graph "main" > node 0 "Constant_0" (Constant)',
      'sparse_values @ graph "main"',
      'sparse_indices @ graph "main"',
      "training @ training_info[0].algorithm",
      'in_function @ function "f.d.F" > node 0 "Constant_0" (Constant)',
    ]);
  });

  it("classifies locations on every OS's terms", () => {
    expect(classifyLocation("a\\..\\..\\b")).toMatchObject({ normalized: "../b", escapes: true, issues: ["parent-segment"] });
    expect(classifyLocation("a/../b")).toMatchObject({ normalized: "b", escapes: false, issues: ["parent-segment"] });
    expect(classifyLocation("\\\\host\\share\\w").issues).toEqual(["unc-path"]);
    expect(classifyLocation("w.bin\u0000.txt").issues).toEqual(["nul-byte"]);
    expect(classifyLocation("").issues).toEqual(["empty"]);
  });
});
