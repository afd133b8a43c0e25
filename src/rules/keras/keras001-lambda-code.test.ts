import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { kerasConfigHandler } from "../../formats/keras/config-handler.js";
import { scanBytes } from "../../test-support/scan.js";
import { RULES } from "../index.js";
import { KERAS_RULES } from "./index.js";

const options = { path: "config.json", handlers: [...new Set([...FORMAT_HANDLERS, kerasConfigHandler])], rules: [...new Set([...RULES, ...KERAS_RULES])] };
const model = (...layers: unknown[]) => JSON.stringify({ module: "keras", class_name: "Sequential", config: { name: "m", layers } });
const hits = async (text: string) => (await scanBytes(new TextEncoder().encode(text), options)).findings.filter((f) => f.ruleId === "KERAS001");
/** base64(marshal.dumps(compile("lambda x: __import__('os').system('id')", …).co_consts[0])) from CPython 3.11.7. */
const CODE =
  "4wEAAAAAAAAAAAAAAAMAAAADAAAA80YAAACXAHQBAAAAAAAAAAAAAGQBpgEAAKsBAAAAAAAAAACgAQAAAAAAAAAA" +
  "AAAAAAAAAAAAAAAAZAKmAQAAqwEAAAAAAAAAAFMAKQNO2gJvc9oCaWQpAtoKX19pbXBvcnRfX9oGc3lzdGVtKQHa" +
  "AXhzAQAAACD6CDxsYW1iZGE++gg8bGFtYmRhPnIIAAAAAQAAAHMcAAAAgACNKpBU0Qoa1Aoa1woh0gohoCTRCifU" +
  "CieAAPMAAAAA";

describe("KERAS001 Lambda code", () => {
  it("catches a Keras 3 __lambda__ and lists the names in its bytecode", async () => {
    const [f] = await hits(model({ module: "keras.layers", class_name: "Lambda", config: { name: "l", function: { class_name: "__lambda__", config: { code: CODE } } } }));
    expect(f?.severity).toBe("critical");
    for (const name of ["__import__", "os", "system"]) expect(f?.evidence).toContain(name);
  });
  it("catches a Keras 2 list-form Lambda and Python source text", async () => {
    expect(await hits(model({ class_name: "Lambda", config: { function: [CODE, null, null], function_type: "lambda" } }))).toHaveLength(1);
    expect((await hits(model({ class_name: "Lambda", config: { function: "lambda x: eval('1')" } })))[0]?.evidence).toBe("source: lambda x: eval('1')");
  });
  it("still finds a Lambda when the JSON is broken", async () => {
    const [f] = await hits(`${model({ module: "keras.layers", class_name: "Lambda", config: { name: "l" } })}}`);
    expect(f?.message).toContain("the JSON does not parse");
  });
  it("does not fire for a Lambda wrapping a named Keras function, or a layer merely named lambda", async () => {
    const fnRef = { module: "keras.layers", class_name: "Lambda", config: { name: "l", function: { module: "keras.src.ops", class_name: "function", config: "identity", registered_name: "function" } } };
    const named = { module: "keras.layers", class_name: "Dense", config: { name: "__lambda__", units: 2 } };
    expect(await hits(model(fnRef, named))).toEqual([]);
  });
});
