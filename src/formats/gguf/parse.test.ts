import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { GgufBuilder } from "../../test-support/gguf-builder.js";
import { everySource } from "../../test-support/stingy-source.js";
import { ValueType } from "./constants.js";
import { MAX_GGUF_KVS, readGguf } from "./parse.js";

const TEMPLATE = "{% for m in messages %}{{ m.content }}{% endfor %}";

function model(options: { version?: number; bigEndian?: boolean } = {}): Uint8Array {
  return new GgufBuilder(options)
    .string("general.architecture", "llama")
    .u32("llama.block_count", 2)
    .kv("general.flag", ValueType.BOOL, true)
    .kv("general.big", ValueType.UINT64, 1n << 40n)
    .array("tokenizer.ggml.tokens", ValueType.STRING, ["<s>", "</s>", "hello"])
    .array("tokenizer.ggml.scores", ValueType.FLOAT32, [0, 0.5, 1])
    .string("tokenizer.chat_template", TEMPLATE)
    .string("tokenizer.chat_template.tool_use", "{{ tools }}")
    .tensor("token_embd.weight", [64, 4], 8)
    .tensor("output_norm.weight", [64], 0)
    .build();
}

describe("readGguf", () => {
  for (const version of [1, 2, 3]) {
    for (const bigEndian of [false, true]) {
      for (const { name, make } of everySource(model({ version, bigEndian }))) {
        it(`reads v${version} ${bigEndian ? "big" : "little"}-endian through a ${name} source`, async () => {
          const { document, defects } = await readGguf(make());
          expect(defects).toEqual([]);
          expect(document.problems).toEqual([]);
          expect(document.complete).toBe(true);
          expect(document.version).toBe(version);
          expect(document.littleEndian).toBe(!bigEndian);
          expect(document.kvs.find((k) => k.key === "general.big")?.value).toBe(1n << 40n);
          expect(document.kvs.find((k) => k.key === "general.flag")?.value).toBe(true);
          expect(document.kvs.find((k) => k.key === "tokenizer.ggml.tokens")?.arrayLength).toBe(3n);
          expect(document.tensors.map((t) => [t.name, t.dims.map(Number), t.type])).toEqual([
            ["token_embd.weight", [64, 4], 8],
            ["output_norm.weight", [64], 0],
          ]);
          expect(document.templates.map((t) => t.key)).toEqual(["tokenizer.chat_template", "tokenizer.chat_template.tool_use"]);
        });
      }
    }
  }

  it("points template spans at the template bytes", async () => {
    const bytes = model();
    const { document } = await readGguf(new MemorySource(bytes));
    const t = document.templates[0];
    expect(t && new TextDecoder().decode(bytes.subarray(t.offset, t.offset + t.length))).toBe(TEMPLATE);
  });

  it("reads the header region only, however large the tensor data", async () => {
    const bytes = new GgufBuilder().string("general.architecture", "llama").tensor("w", [1024, 1024], 0).build();
    const source = new MemorySource(bytes);
    const { document } = await readGguf(source);
    expect(document.problems).toEqual([]);
    expect(bytes.length).toBeGreaterThan(4 * 1024 * 1024);
    expect(source.stats.bytesRead).toBeLessThanOrEqual(8 + 16 * 1024);
  });

  it("walks a large vocabulary with few reads", async () => {
    const tokens = Array.from({ length: 50_000 }, (_, i) => `token${i}`);
    const source = new MemorySource(new GgufBuilder().array("tokenizer.ggml.tokens", ValueType.STRING, tokens).build());
    const { document } = await readGguf(source);
    expect(document.complete).toBe(true);
    expect(source.stats.reads).toBeLessThan(20);
  });

  it("reports a KV count past MAX_GGUF_KVS as a limit, not a malformed file", async () => {
    const kvs = BigInt(MAX_GGUF_KVS + 1);
    const bytes = new Uint8Array(24 + Number(kvs) * 13);
    bytes.set(new GgufBuilder().counts(kvs, 0n).build().subarray(0, 24));
    const { document, defects } = await readGguf(new MemorySource(bytes));
    expect(document.problems).toEqual([]);
    expect(defects.map((d) => [d.code, d.limit])).toEqual([["limit-exceeded", "MAX_GGUF_KVS"]]);
  });

  it("stops with a timeout defect when the deadline has passed", async () => {
    const b = new GgufBuilder();
    for (let i = 0; i < 5000; i++) b.u32(`k.${i}`, i);
    const { defects } = await readGguf(new MemorySource(b.build()), { now: () => 1, deadline: 0 });
    expect(defects.map((d) => d.code)).toEqual(["timeout"]);
  });

  it("rejects a file without the magic or with an unknown version", async () => {
    expect((await readGguf(new MemorySource(new TextEncoder().encode("GGML0000")))).document.problems[0]?.message).toContain("magic");
    const v4 = new GgufBuilder({ version: 4 }).build();
    expect((await readGguf(new MemorySource(v4))).document.problems[0]?.message).toContain("version 4");
  });
});
