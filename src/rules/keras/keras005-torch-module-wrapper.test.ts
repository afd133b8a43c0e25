import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { kerasConfigHandler } from "../../formats/keras/config-handler.js";
import { PickleBuilder } from "../../test-support/pickle-builder.js";
import { scanBytes } from "../../test-support/scan.js";
import { RULES } from "../index.js";
import { KERAS_RULES } from "./index.js";

const options = { path: "config.json", handlers: [...new Set([...FORMAT_HANDLERS, kerasConfigHandler])], rules: [...new Set([...RULES, ...KERAS_RULES])] };
const model = (layer: object) => JSON.stringify({ module: "keras", class_name: "Sequential", config: { name: "m", layers: [layer] } });
const scan = (text: string) => scanBytes(new TextEncoder().encode(text), options);
const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

describe("KERAS005 TorchModuleWrapper", () => {
  it("catches the layer and scans its embedded torch blob as a member", async () => {
    const blob = base64(PickleBuilder.call("posix", "system", "id"));
    const report = await scan(model({ module: "keras.layers", class_name: "TorchModuleWrapper", config: { name: "t", module: blob } }));
    expect(report.findings.map((f) => f.ruleId)).toEqual(["KERAS005", "PKL001"]);
    expect(report.findings[1]?.location.member).toBe("TorchModuleWrapper.pt");
  });
  it("reports a blob it cannot decode", async () => {
    const report = await scan(model({ module: "keras.layers", class_name: "TorchModuleWrapper", config: { name: "t", module: "%%%not base64%%%" } }));
    expect(report.findings[0]?.message).toContain("could not be decoded");
  });
  it("does not fire for a Dense layer named torch_module_wrapper", async () => {
    const report = await scan(model({ module: "keras.layers", class_name: "Dense", config: { name: "TorchModuleWrapper", units: 2 } }));
    expect(report.findings).toEqual([]);
  });
});
