import { describe, it } from "vitest";
import { ValueType } from "../../formats/gguf/constants.js";
import type { GgufValue } from "../../test-support/gguf-builder.js";
import { GgufBuilder } from "../../test-support/gguf-builder.js";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

function nested(depth: number): GgufValue {
  let value: GgufValue = { type: ValueType.UINT8, items: [1] };
  for (let i = 1; i < depth; i++) value = { type: ValueType.ARRAY, items: [value] };
  return value;
}

describe("GGUF003", () => {
  it("catches arrays nested five deep (limit 4)", async () => {
    await expectSafeRule(new GgufBuilder().kv("x.nested", ValueType.ARRAY, nested(5)).build(), "GGUF003", true, "model.gguf");
  });
  it("catches any array of arrays (llama.cpp refuses them), once per file", async () => {
    await expectSafeRule(new GgufBuilder().kv("x.nested", ValueType.ARRAY, nested(2)).build(), "GGUF003", true, "model.gguf");
  });
  it("does not fire on a flat array", async () => {
    await expectSafeRule(new GgufBuilder().kv("x.flat", ValueType.ARRAY, nested(1)).build(), "GGUF003", false, "model.gguf");
  });
});
