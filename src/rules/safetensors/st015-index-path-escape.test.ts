import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST015", () => {
  it("catches a shard path with ..", async () => {
    await expectSafeRule("{\"metadata\":{},\"weight_map\":{\"w\":\"../../evil.safetensors\"}}", "ST015", true, "model.safetensors.index.json");
  });
  it("catches a shard URL", async () => {
    await expectSafeRule("{\"weight_map\":{\"w\":\"https://evil.example/w.safetensors\"}}", "ST015", true, "model.safetensors.index.json");
  });
  it("catches an absolute shard path", async () => {
    await expectSafeRule("{\"weight_map\":{\"w\":\"/tmp/w.safetensors\"}}", "ST015", true, "model.safetensors.index.json");
  });
  it("does not fire on shards in the folder and a subfolder", async () => {
    await expectSafeRule("{\"metadata\":{\"total_size\":8},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"shards/model-00002-of-00002.safetensors\"}}", "ST015", false, "model.safetensors.index.json");
  });
});
