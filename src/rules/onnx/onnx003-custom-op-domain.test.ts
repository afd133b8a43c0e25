import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { onnxHandler } from "../../formats/onnx/handler.js";
import { onnxFunction, onnxGraph, onnxModel, onnxNode } from "../../test-support/protobuf-builder.js";
import { scanBytes } from "../../test-support/scan.js";
import { RULES } from "../index.js";
import { ONNX_RULES } from "./index.js";

const options = { path: "model.onnx", handlers: [...new Set([...FORMAT_HANDLERS, onnxHandler])], rules: [...new Set([...RULES, ...ONNX_RULES])] };
const hits = async (bytes: Uint8Array) => (await scanBytes(bytes, options)).findings.filter((f) => f.ruleId === "ONNX003");

describe("ONNX003 custom op domain", () => {
  it("catches a custom-domain op in the main graph", async () => {
    const [f] = await hits(onnxModel(onnxGraph([onnxNode({ op: "Relu" }), onnxNode({ op: "Backdoor", domain: "com.evil" })])));
    expect(f?.message).toContain('"Backdoor" in custom domain "com.evil"');
  });
  it("catches one hidden in an If branch and reports where", async () => {
    const branch = onnxGraph([onnxNode({ op: "Payload", domain: "org.attacker", name: "p" })], [], "then");
    const model = onnxModel(onnxGraph([onnxNode({ op: "If", name: "if0", attributes: [(a) => a.string(1, "then_branch").message(6, branch)] })]));
    const [f] = await hits(model);
    expect(f?.evidence).toBe('graph "main" > node 0 "if0" (If).then_branch > node 0 "p" (Payload)');
  });
  it("does not fire for built-in domains or ops a model-local function defines", async () => {
    const fn = onnxFunction("local.funcs", "Double", [onnxNode({ op: "Add" })]);
    const model = onnxModel(onnxGraph([onnxNode({ op: "LinearRegressor", domain: "ai.onnx.ml" }), onnxNode({ op: "FusedMatMul", domain: "com.microsoft" }), onnxNode({ op: "Double", domain: "local.funcs" })]), { functions: [fn] });
    expect(await hits(model)).toEqual([]);
  });
});
