import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { onnxHandler } from "../../formats/onnx/handler.js";
import { ABSURD_EXTERNAL_BYTES } from "../../formats/onnx/limits.js";
import { onnxGraph, onnxModel, onnxNode, onnxTensor } from "../../test-support/protobuf-builder.js";
import { scanBytes } from "../../test-support/scan.js";
import { RULES } from "../index.js";
import { ONNX_RULES } from "./index.js";

const options = { path: "model.onnx", handlers: [...new Set([...FORMAT_HANDLERS, onnxHandler])], rules: [...new Set([...RULES, ...ONNX_RULES])] };
const model = (entries: [string, string][]) => onnxModel(onnxGraph([onnxNode({ op: "Add" })], [onnxTensor("w", entries)]));
const hits = async (entries: [string, string][]) => (await scanBytes(model(entries), options)).findings.filter((f) => f.ruleId === "ONNX002");

describe("ONNX002 external data keys", () => {
  it("catches keys the loader would setattr (CVE-2026-34445)", async () => {
    const [f] = await hits([["location", "w.bin"], ["__class__", "x"]]);
    expect(f?.message).toContain('unknown key(s) "__class__"');
  });
  it("catches non-decimal and absurd offsets and lengths, and repeated keys", async () => {
    const [f] = await hits([["location", "w.bin"], ["offset", "0x10"], ["length", String(ABSURD_EXTERNAL_BYTES + 1)], ["location", "v.bin"]]);
    expect(f?.message).toContain('offset "0x10" is not a plain decimal number');
    expect(f?.message).toContain("larger than");
    expect(f?.message).toContain('repeated key(s) "location"');
  });
  it("does not fire for the five expected keys with sane values, at the size limit", async () => {
    expect(await hits([["location", "w.bin"], ["offset", "0"], ["length", String(ABSURD_EXTERNAL_BYTES)], ["checksum", "da39a3ee5e6b4b0d3255bfef95601890afd80709"], ["basepath", "."]])).toEqual([]);
  });
});
