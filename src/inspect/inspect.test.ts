import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../core/byte-source.js";
import { inspectSource } from "./inspect.js";
import { renderInspectText } from "./render-text.js";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
const inspectFixture = (rel: string): ReturnType<typeof inspectSource> => inspectSource(new MemorySource(new Uint8Array(readFileSync(FIXTURES + rel))), { path: rel });

describe("inspect", () => {
  it("shows what a payload checkpoint's pickle would run, with arguments and the policy's label", async () => {
    const report = await inspectFixture("torch/hostile/pkl001_zip_data_pkl_print.pt");
    const pickle = report.sections.find((s) => s.pickle !== undefined)?.pickle;
    expect(pickle?.member).toBe("archive/data.pkl");
    const print = pickle?.calls.find((c) => c.call.includes("print"));
    expect(print).toMatchObject({ op: "REDUCE", call: "__builtin__.print('MODELVET_PAYLOAD_REACHED')", verdict: "dangerous" });
    expect(pickle?.calls.some((c) => c.call.startsWith("torch._utils._rebuild_tensor_v2(persistent_load(('storage', torch.FloatStorage, '0', 'cpu', 6)), 0, (2, 3)"))).toBe(true);
    expect(report.notes.join("\n")).toMatch(/No tensor table: .*__builtin__\.print/);
  });

  it("lists a clean checkpoint's tensors with dtypes, shapes and bytes", async () => {
    const report = await inspectFixture("convert/bf16_and_ints.pt");
    const tensors = report.sections[0]?.tensors?.rows ?? [];
    expect(tensors.find((t) => t.name === "w")).toEqual({ name: "w", dtype: "BF16", shape: [4, 6], bytes: 48 });
    expect(tensors.find((t) => t.name === "scalar")).toEqual({ name: "scalar", dtype: "F32", shape: [], bytes: 4 });
  });

  it("shows safetensors metadata and tensors from the header alone", async () => {
    const report = await inspectFixture("safetensors/benign/kohya_lora_metadata.safetensors");
    const section = report.sections.find((s) => s.format === "safetensors");
    expect(Object.keys(section?.header ?? {}).some((k) => k.startsWith("metadata."))).toBe(true);
    expect(section?.tensors?.total).toBeGreaterThan(0);
  });

  it("shows GGUF key/values and a tensor table with ggml types", async () => {
    const report = await inspectFixture("gguf/benign/alignment_64.gguf");
    const section = report.sections.find((s) => s.format === "gguf");
    expect(section?.header["general.architecture"]).toBe("llama");
    expect(section?.tensors?.rows).toEqual([
      { name: "token_embd.weight", dtype: "F32", shape: [32, 4], bytes: 512 },
      { name: "output_norm.weight", dtype: "F16", shape: [32], bytes: 64 },
    ]);
  });

  it("shows the container tree of an npz and each array's header; text escapes control characters", async () => {
    const report = await inspectFixture("convert/mixed.npz");
    expect(report.sections.find((s) => s.format === "zip")?.entries?.rows.map((e) => e.name)).toEqual(["a.npy", "b.npy", "c.npy"]);
    expect(report.sections.filter((s) => s.format === "numpy").map((s) => s.member)).toEqual(["a.npy", "b.npy", "c.npy"]);
    const text = renderInspectText({ ...report, path: "evil\u001b[2Kname" });
    expect(text).not.toContain("\u001b");
  });

  it("disassembles a pickle file with each import and call annotated, through a memo decoy", async () => {
    const report = await inspectFixture("pickle/malicious/stack_global_memo_decoy.pkl");
    const listing = report.sections.find((s) => s.pickle !== undefined)?.pickle?.listing ?? [];
    expect(listing.find((l) => l.note?.includes("os.system [dangerous]"))?.op).toBe("STACK_GLOBAL");
    expect(listing.find((l) => l.op === "REDUCE")?.note).toBe("calls os.system('id')");
    expect(listing.at(-1)?.op).toBe("STOP");
  });

  it("lists ONNX initialisers: dims (plain and packed), data type, inline bytes", async () => {
    const w = [0x08, 0x02, 0x08, 0x03, 0x10, 0x01, 0x42, 0x01, 0x77, 0x4a, 24, ...new Array<number>(24).fill(0)];
    const b = [0x0a, 0x02, 0x04, 0x05, 0x10, 0x07, 0x42, 0x01, 0x62];
    const graph = [0x12, 0x01, 0x67, 0x2a, w.length, ...w, 0x2a, b.length, ...b];
    const model = [0x08, 0x08, 0x12, 0x01, 0x78, 0x3a, graph.length, ...graph, 0x42, 0x02, 0x10, 0x0d];
    const report = await inspectSource(new MemorySource(new Uint8Array(model)), { path: "m.onnx" });
    expect(report.sections.find((s) => s.format === "onnx")?.tensors?.rows).toEqual([
      { name: "w", dtype: "FLOAT", shape: [2, 3], bytes: 24 },
      { name: "b", dtype: "INT64", shape: [4, 5], bytes: 160 },
    ]);
  });
});
