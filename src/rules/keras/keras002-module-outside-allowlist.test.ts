import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { kerasConfigHandler } from "../../formats/keras/config-handler.js";
import { scanBytes } from "../../test-support/scan.js";
import { RULES } from "../index.js";
import { KERAS_RULES } from "./index.js";

const options = { path: "config.json", handlers: [...new Set([...FORMAT_HANDLERS, kerasConfigHandler])], rules: [...new Set([...RULES, ...KERAS_RULES])] };
const model = (...layers: unknown[]) => JSON.stringify({ module: "keras", class_name: "Sequential", config: { name: "m", layers } });
const ids = async (text: string) => (await scanBytes(new TextEncoder().encode(text), options)).findings.map((f) => f.ruleId);

describe("KERAS002 module outside the Keras allowlist", () => {
  it("catches a layer from a third-party module (CVE-2025-1550)", async () => {
    expect(await ids(model({ module: "acme_layers.blocks", class_name: "FancyDense", config: { name: "f" }, registered_name: "acme>FancyDense" }))).toEqual(["KERAS002"]);
  });
  it("catches a function reference from __main__", async () => {
    expect(await ids(model({ module: "keras.layers", class_name: "Dense", config: { name: "d", activation: { module: "__main__", class_name: "function", config: "my_act" } } }))).toEqual(["KERAS002"]);
  });
  it("leaves a dangerous module to KERAS003 (no double report)", async () => {
    expect(await ids(model({ module: "subprocess", class_name: "Popen", config: {} }))).toEqual(["KERAS003"]);
  });
  it("does not fire for keras, keras_hub, keras_cv, keras_nlp and keras.src modules", async () => {
    const layers = ["keras.layers", "keras.src.layers.core.dense", "keras_hub.models", "keras_cv.layers", "keras_nlp.layers"].map((module, i) => ({ module, class_name: "Dense", config: { name: `d${i}` } }));
    expect(await ids(model(...layers))).toEqual([]);
  });
});
