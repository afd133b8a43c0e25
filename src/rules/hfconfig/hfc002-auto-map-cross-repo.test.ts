import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("HFC002", () => {
  it("catches code from another repository", async () => {
    await expectSafeRule("{\"model_type\":\"bert\",\"auto_map\":{\"AutoModel\":\"jinaai/jina-bert-implementation--modeling_bert.JinaBertModel\"}}", "HFC002", true, "config.json");
  });
  it("does not fire on local auto_map only (HFC001, not HFC002)", async () => {
    await expectSafeRule("{\"model_type\":\"bert\",\"auto_map\":{\"AutoModel\":\"modeling_bert.JinaBertModel\"}}", "HFC002", false, "config.json");
  });
});
