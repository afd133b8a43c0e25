import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { kerasConfigHandler } from "../../formats/keras/config-handler.js";
import { scanBytes } from "../../test-support/scan.js";
import { RULES } from "../index.js";
import { KERAS_RULES } from "./index.js";

const options = { path: "config.json", handlers: [...new Set([...FORMAT_HANDLERS, kerasConfigHandler])], rules: [...new Set([...RULES, ...KERAS_RULES])] };
const model = (...layers: unknown[]) => JSON.stringify({ module: "keras", class_name: "Sequential", config: { name: "m", layers } });
const hits = async (text: string) => (await scanBytes(new TextEncoder().encode(text), options)).findings.filter((f) => f.ruleId === "KERAS003");
const lambdaCalling = (module: string, name: string, args: object = {}) => ({ module: "keras.layers", class_name: "Lambda", config: { name: "l", function: { module, class_name: "function", config: name, registered_name: "function" }, arguments: args } });

describe("KERAS003 dangerous reference", () => {
  it("catches {class_name: function, module: os, config: system} (JFrog KERAS-CUSTOM)", async () => {
    const [f] = await hits(model({ module: "keras.layers", class_name: "Lambda", config: { name: "l", arguments: { cmd: { class_name: "function", module: "os", config: "system" } } } }));
    expect(f?.severity).toBe("critical");
    expect(f?.message).toContain("references os.system");
  });
  it.each([
    ["keras.utils", "get_file"],
    ["keras.models", "load_model"],
    ["keras.config", "enable_unsafe_deserialization"],
    ["keras.src.backend.common.global_state", "set_global_attribute"],
  ])("catches the allowlisted gadget %s.%s (CVE-2025-8747, CVE-2025-9906)", async (module, name) => {
    expect(await hits(model(lambdaCalling(module, name)))).toHaveLength(1);
  });
  it("catches TFOpLambda reaching tf.io and Keras-2 function-type Lambdas", async () => {
    expect(await hits(model({ class_name: "TFOpLambda", config: { name: "t", function: "io.write_file" } }))).toHaveLength(1);
    expect(await hits(model({ class_name: "Lambda", config: { function: "system", function_type: "function", module: "os" } }))).toHaveLength(1);
  });
  it("does not fire for ordinary Keras functions and classes", async () => {
    const relu = { module: "keras.layers", class_name: "Dense", config: { name: "d", activation: { module: "keras.src.activations.activations", class_name: "function", config: "relu", registered_name: "function" } } };
    expect(await hits(model(relu, lambdaCalling("keras.src.ops", "identity"), { class_name: "TFOpLambda", config: { name: "t", function: "math.add" } }))).toEqual([]);
  });
});
