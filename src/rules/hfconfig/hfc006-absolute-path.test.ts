import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("HFC006", () => {
  it("catches a tokenizer file at an absolute path", async () => {
    await expectSafeRule("{\"model_type\":\"llama\",\"tokenizer_file\":\"/etc/passwd\"}", "HFC006", true, "config.json");
  });
  it("catches a Windows drive path", async () => {
    await expectSafeRule("{\"model_type\":\"llama\",\"index_path2\":\"C:\\\\Users\\\\x\\\\index.faiss\"}", "HFC006", true, "config.json");
  });
  it("does not fire on provenance fields and cache paths", async () => {
    await expectSafeRule("{\"model_type\":\"llama\",\"_name_or_path\":\"/home/u/llama\",\"special_tokens_map_file\":\"/root/.cache/huggingface/x/special_tokens_map.json\",\"tokenizer_file\":\"/root/.cache/huggingface/transformers/abc.tokenizer.json\"}", "HFC006", false, "config.json");
  });
});
