import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { MAX_UNNAMED_JSON_BYTES, hfConfigHandler } from "./handler.js";
import { pythonSourceHandler } from "./python-source.js";
import type { ConfigDocument } from "./types.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const analyze = (text: string, name: string) => hfConfigHandler.analyze(new MemorySource(enc(text)), testScanContext({}, { name }));

describe("hfConfigHandler", () => {
  it("takes configs by name or by marker keys, and leaves other JSON alone", async () => {
    expect((await analyze('{"learning_rate": 0.1}', "safe_config.json"))?.format).toBe("hf-config");
    expect((await analyze('{"data": [1], "meta": {"auto_map": {"AutoModel": "m.M"}}}', "renamed.json"))?.format).toBe("hf-config");
    expect(await analyze('{"training_data": [{"input": [1, 2]}]}', "training_data.json")).toBeUndefined();
    expect(await analyze("[1, 2, 3]", "list.json")).toBeUndefined();
  });

  it("leaves a Keras config.json to the Keras handler", async () => {
    expect(await analyze('{"class_name": "Sequential", "config": {"layers": []}, "module": "keras"}', "config.json")).toBeUndefined();
  });

  it("hands chat templates down as members: string, named list and map forms", async () => {
    const analysis = await analyze('{"chat_template": [{"name": "default", "template": "{{ a }}"}, {"name": "tool_use", "template": "{{ b }}"}], "x": {"chat_template": "{{ c }}"}}', "tokenizer_config.json");
    expect(analysis?.members?.map((m) => [m.path, m.forceFormat])).toEqual([
      ["chat_template.default", "chat-template"],
      ["chat_template.tool_use", "chat-template"],
      ["x.chat_template", "chat-template"],
    ]);
    expect((analysis?.document as ConfigDocument).role).toBe("tokenizer-config");
  });

  it("reports invalid JSON in a named config as a non-fatal defect", async () => {
    const analysis = await analyze('{"model_type": "x",}', "config.json");
    expect(analysis?.defects.map((d) => [d.code, d.fatal])).toEqual([["config-invalid-json", false]]);
  });

  it("reports a config cut off mid-value as a fatal defect (not checked, so not clean)", async () => {
    const analysis = await analyze('{"model_type": ', "config.json");
    expect(analysis?.defects.map((d) => [d.code, d.fatal])).toEqual([["config-truncated", true]]);
  });

  it("reads Python's NaN and Infinity and a leading byte-order mark", async () => {
    const analysis = await analyze('\ufeff{"model_type": "x", "auto_map": {"AutoModel": "m.M"}, "eps": NaN, "max": Infinity}', "config.json");
    expect(analysis?.defects).toEqual([]);
    expect((analysis?.document as ConfigDocument).roots).toHaveLength(1);
  });

  it("does not read unnamed JSON past MAX_UNNAMED_JSON_BYTES", async () => {
    const big = enc(`{"v": "${"x".repeat(MAX_UNNAMED_JSON_BYTES)}", "auto_map": {}}`);
    const source = new MemorySource(big);
    expect(await hfConfigHandler.analyze(source, testScanContext({}, { name: "vocab.json" }))).toBeUndefined();
    expect(source.stats.bytesRead).toBeLessThanOrEqual(4096);
  });
});

describe("pythonSourceHandler", () => {
  const py = (text: string, name: string) => pythonSourceHandler.analyze(new MemorySource(enc(text)), testScanContext({}, { name }));
  it("describes a modeling file with its imports", async () => {
    const analysis = await py("import os\nfrom .configuration_x import XConfig\n\nclass X:\n    pass\n", "modeling_x.py");
    expect(analysis?.document).toMatchObject({ module: "modeling_x", imports: ["os", ".configuration_x"] });
  });
  it("leaves TorchScript code members to the torch handlers", async () => {
    const ctx = testScanContext({}, { name: "__torch__.py", memberPath: "archive/code/__torch__.py", parents: ["zip"] });
    expect(await pythonSourceHandler.analyze(new MemorySource(enc("import torch\nclass M:\n  pass\n")), ctx)).toBeUndefined();
  });
  it("needs two Python lines and a Python first line when the name does not say .py", async () => {
    expect(await py("import os\nimport sys\n", "hook")).toBeDefined();
    expect(await py("Notes\nimport os\nimport sys\n", "notes.txt")).toBeUndefined();
    expect(await py("import os\n", "hook")).toBeUndefined();
  });
});
