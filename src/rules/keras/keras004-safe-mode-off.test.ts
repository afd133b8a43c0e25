import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { kerasConfigHandler } from "../../formats/keras/config-handler.js";
import { scanBytes } from "../../test-support/scan.js";
import { RULES } from "../index.js";
import { KERAS_RULES } from "./index.js";

const options = { path: "config.json", handlers: [...new Set([...FORMAT_HANDLERS, kerasConfigHandler])], rules: [...new Set([...RULES, ...KERAS_RULES])] };
const model = (args: object) => JSON.stringify({ module: "keras", class_name: "Sequential", config: { name: "m", layers: [{ module: "keras.layers", class_name: "Lambda", config: { name: "l", function: { module: "keras.src.ops", class_name: "function", config: "identity" }, arguments: args } }] } });
const hits = async (text: string) => (await scanBytes(new TextEncoder().encode(text), options)).findings.filter((f) => f.ruleId === "KERAS004");

describe("KERAS004 safe mode off", () => {
  it("catches safe_mode: false and the safe_mode_saving global", async () => {
    expect(await hits(model({ safe_mode: false }))).toHaveLength(1);
    expect(await hits(model({ attr: "safe_mode_saving", value: false }))).toHaveLength(1);
  });
  it("does not fire for safe_mode: true", async () => {
    expect(await hits(model({ safe_mode: true }))).toEqual([]);
  });
});
