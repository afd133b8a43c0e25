import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { everySource } from "../../test-support/stingy-source.js";
import { analyzeKerasConfig } from "./analyze-config.js";
import { decodeBase64 } from "./base64.js";
import { kerasConfigHandler, sniffKerasConfig } from "./config-handler.js";
import { MAX_KERAS_CONFIG_DEPTH } from "./limits.js";
import { marshalNames } from "./marshal-names.js";
import { parsePythonJson } from "./python-json.js";

const enc = (s: string) => new TextEncoder().encode(s);
const hint = (name: string, parents: string[] = []) => ({ name, size: 0, parents });

describe("Python-dialect JSON", () => {
  it("reads bare NaN/Infinity as numbers but leaves them inside strings", () => {
    const parsed = parsePythonJson('{"a": NaN, "b": -Infinity, "c": [Infinity], "d": "NaN \\" Infinity"}');
    expect(parsed.ok && { ...parsed.value as object }).toEqual({ a: Number.NaN, b: -Infinity, c: [Infinity], d: 'NaN " Infinity' });
    expect(parsePythonJson("{").ok).toBe(false);
  });
});

describe("base64", () => {
  it("decodes wrapped standard and URL-safe base64 and refuses the rest", () => {
    expect(decodeBase64("aGVs\nbG8=\n", 100)).toEqual(enc("hello"));
    expect(decodeBase64("-_8", 100)).toEqual(Uint8Array.of(0xfb, 0xff));
    expect(decodeBase64("aGVs*G8=", 100)).toBeUndefined();
    expect(decodeBase64("a", 100)).toBeUndefined();
    expect(decodeBase64("aGVsbG8=", 5)).toEqual(enc("hello"));
    expect(decodeBase64("aGVsbG8=", 4)).toBeUndefined();
  });
});

describe("marshal names", () => {
  it("lists identifier strings (short and long forms, with FLAG_REF) and skips other bytes", () => {
    const bytes = Uint8Array.of(0xe3, 0x00, 0xda, 0x02, ...enc("os"), 0x5a, 0x06, ...enc("system"), 0x61, 8, 0, 0, 0, ...enc("<lambda>"), 0x7a, 0x03, 0x00, 0x01, 0x02);
    expect(marshalNames(bytes)).toEqual(["os", "system", "<lambda>"]);
  });
});

describe("Keras config sniffing and trials", () => {
  const keras = '{"module": "keras", "class_name": "Sequential", "config": {"layers": []}}';
  it("is strong with a keras module, or as config.json inside a zip; weak on class_name alone", () => {
    expect(sniffKerasConfig(enc(keras), hint("x.json"))).toBe("strong");
    expect(sniffKerasConfig(enc(`\ufeff${keras}`), hint("x.json"))).toBe("strong");
    expect(sniffKerasConfig(enc('{"class_name": "M", "config": {}}'), hint("config.json", ["zip"]))).toBe("strong");
    expect(sniffKerasConfig(enc('{"class_name": "M", "config": {}}'), hint("config.json"))).toBe("weak");
    expect(sniffKerasConfig(enc('{"architectures": ["Bert"], "model_type": "bert"}'), hint("config.json"))).toBe("no");
  });
  it("drops a weak trial that is not a Keras object", async () => {
    const ctx = testScanContext({}, { name: "data.json" });
    expect(await kerasConfigHandler.analyze(new MemorySource(enc('{"items": [{"class_name": "x"}]}')), ctx)).toBeUndefined();
  });
  it("parses the same through every source", async () => {
    const docs = new Set<string>();
    for (const { make } of everySource(enc(keras))) docs.add(JSON.stringify((await kerasConfigHandler.analyze(make(), testScanContext({}, { name: "config.json" })))?.document));
    expect(docs.size).toBe(1);
  });
  it("keeps embedded torch blobs within the decoded-bytes budget", async () => {
    const text = JSON.stringify({ module: "keras", class_name: "Sequential", config: { layers: [{ module: "keras.layers", class_name: "TorchModuleWrapper", config: { name: "t", module: "AAAAAAAA" } }] } });
    const ok = await kerasConfigHandler.analyze(new MemorySource(enc(text)), testScanContext({ maxInflatedBytes: 6 }, { name: "config.json" }));
    expect(ok?.members?.map((m) => m.path)).toEqual(["TorchModuleWrapper.pt"]);
    const over = await kerasConfigHandler.analyze(new MemorySource(enc(text)), testScanContext({ maxInflatedBytes: 5 }, { name: "config.json" }));
    expect(over?.members).toEqual([]);
    expect(over?.defects.map((d) => d.limit)).toEqual(["maxInflatedBytes"]);
  });
});

describe("Keras config walk limits", () => {
  const nested = (depth: number) => `{"class_name": "M", "config": ${"[".repeat(depth)}"https://x.invalid/a"${"]".repeat(depth)}}`;
  it(`walks ${MAX_KERAS_CONFIG_DEPTH} levels deep and reports one past it`, () => {
    // The URL sits at depth (config) 1 + list nesting.
    const atLimit = analyzeKerasConfig(nested(MAX_KERAS_CONFIG_DEPTH - 1), "config.json");
    expect(atLimit.defects).toEqual([]);
    expect(atLimit.facts.pathArgs).toHaveLength(1);
    const past = analyzeKerasConfig(nested(MAX_KERAS_CONFIG_DEPTH), "config.json");
    expect(past.facts.pathArgs).toEqual([]);
    expect(past.defects.map((d) => d.code)).toEqual(["limit-exceeded"]);
  });
});
