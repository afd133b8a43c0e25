import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { kerasConfigHandler } from "../../formats/keras/config-handler.js";
import { scanBytes } from "../../test-support/scan.js";
import { RULES } from "../index.js";
import { KERAS_RULES } from "./index.js";

const options = { path: "config.json", handlers: [...new Set([...FORMAT_HANDLERS, kerasConfigHandler])], rules: [...new Set([...RULES, ...KERAS_RULES])] };
const lookup = (vocabulary: unknown) => JSON.stringify({ module: "keras", class_name: "Sequential", config: { name: "m", layers: [{ module: "keras.layers", class_name: "StringLookup", config: { name: "lookup", vocabulary } }] } });
const hits = async (text: string) => (await scanBytes(new TextEncoder().encode(text), options)).findings.filter((f) => f.ruleId === "KERAS006");

describe("KERAS006 external path argument", () => {
  it.each(["/etc/passwd", "../../secrets/vocab.txt", "https://attacker.invalid/v.txt", "gs://bucket/vocab.txt", "vocab.txt"])("catches a StringLookup vocabulary of %j (CVE-2025-12058)", async (vocabulary) => {
    expect(await hits(lookup(vocabulary))).toHaveLength(1);
  });
  it("does not fire for an inline vocabulary list, even of path-like tokens", async () => {
    expect(await hits(lookup(["a", "b/c", "..", "/"]))).toEqual([]);
  });
});
