import { describe, expect, it } from "vitest";
import { reportDocument } from "../../engine/scan.js";
import type { OnnxExternalFileDocument } from "../../formats/onnx/types.js";
import { RULES } from "../index.js";
import { ONNX_RULES } from "./index.js";

const rules = [...new Set([...RULES, ...ONNX_RULES])];
const doc = (problem: OnnxExternalFileDocument["problem"], resolved?: string): OnnxExternalFileDocument => ({
  format: "onnx-external-file",
  model: "model.onnx",
  tensor: "w",
  location: "weights.bin",
  problem,
  ...(resolved ? { resolved } : {}),
});

describe("ONNX004 external data file (folder facts from the node layer)", () => {
  it("reports an external data file that is a symlink out of the folder", () => {
    const report = reportDocument("onnx-external-file", doc("symlink", "/etc/passwd"), { path: "model/weights.bin", rules });
    expect(report.findings.map((f) => f.ruleId)).toEqual(["ONNX004"]);
    expect(report.findings[0]?.evidence).toBe("resolves to /etc/passwd");
    expect(report.verdict).toBe("suspicious");
  });
  it("does not fire when the walker only found it missing", () => {
    expect(reportDocument("onnx-external-file", doc("missing"), { path: "model/weights.bin", rules }).findings).toEqual([]);
  });
});
