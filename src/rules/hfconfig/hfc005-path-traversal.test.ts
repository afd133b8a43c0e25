import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("HFC005", () => {
  it("catches a vocab file outside the folder", async () => {
    await expectSafeRule("{\"tokenizer_class\":\"LlamaTokenizer\",\"vocab_file\":\"../../.ssh/id_rsa\"}", "HFC005", true, "tokenizer_config.json");
  });
  it("catches a Windows-style climb", async () => {
    await expectSafeRule("{\"model_type\":\"x\",\"index_file\":\"..\\\\..\\\\secrets\"}", "HFC005", true, "tokenizer_config.json");
  });
  it("does not fire on an ellipsis and a relative path", async () => {
    await expectSafeRule("{\"tokenizer_class\":\"LlamaTokenizer\",\"note\":\"wait...\",\"vocab_file\":\"tokenizer/vocab.json\"}", "HFC005", false, "tokenizer_config.json");
  });
});
