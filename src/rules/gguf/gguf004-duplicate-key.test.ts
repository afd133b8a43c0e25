import { describe, it } from "vitest";
import { GgufBuilder } from "../../test-support/gguf-builder.js";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("GGUF004", () => {
  it("catches a repeated key", async () => {
    await expectSafeRule(new GgufBuilder().string("general.name", "a").string("general.name", "b").build(), "GGUF004", true, "model.gguf");
  });
  it("catches a repeated tensor name", async () => {
    await expectSafeRule(new GgufBuilder().tensor("w", [32], 0).tensor("w", [32], 0).build(), "GGUF004", true, "model.gguf");
  });
  it("does not fire on distinct keys that share a prefix", async () => {
    await expectSafeRule(new GgufBuilder().string("tokenizer.chat_template", "{{ x }}").string("tokenizer.chat_template.tool_use", "{{ y }}").build(), "GGUF004", false, "model.gguf");
  });
});
