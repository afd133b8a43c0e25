import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { onnxHandler } from "../../formats/onnx/handler.js";
import { onnxGraph, onnxModel, onnxNode, onnxTensor } from "../../test-support/protobuf-builder.js";
import { scanBytes } from "../../test-support/scan.js";
import { RULES } from "../index.js";
import { ONNX_RULES } from "./index.js";

const options = { path: "model.onnx", handlers: [...new Set([...FORMAT_HANDLERS, onnxHandler])], rules: [...new Set([...RULES, ...ONNX_RULES])] };
const withLocation = (location: string) => onnxModel(onnxGraph([onnxNode({ op: "Add" })], [onnxTensor("w", [["location", location], ["offset", "0"], ["length", "16"]])]));
const hits = async (bytes: Uint8Array) => (await scanBytes(bytes, options)).findings.filter((f) => f.ruleId === "ONNX001");

describe("ONNX001 external data path", () => {
  it.each(["../../../etc/passwd", "weights/../../secret", "/etc/passwd", "..\\..\\win.ini", "C:/Windows/win.ini", "\\\\server\\share\\w.bin", "file:///etc/shadow"])("catches %j", async (location) => {
    const found = await hits(withLocation(location));
    expect(found).toHaveLength(1);
    expect(found[0]?.severity).toBe("high");
  });
  it("explains where a traversal resolves", async () => {
    const [f] = await hits(withLocation("a/../../x"));
    expect(f?.evidence).toBe('location "a/../../x" resolves to "../x"');
  });
  it.each(["weights.bin", "data/model..bin", "sub/./w.bin"])("does not fire for %j inside the folder", async (location) => {
    expect(await hits(withLocation(location))).toEqual([]);
  });
});
