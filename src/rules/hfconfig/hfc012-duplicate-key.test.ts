import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("HFC012", () => {
  it("catches auto_map twice", async () => {
    await expectSafeRule("{\"model_type\":\"x\",\"auto_map\":{\"AutoModel\":\"a.A\"},\"auto_map\":{\"AutoModel\":\"b.B\"}}", "HFC012", true, "config.json");
  });
  it("does not fire on the same key in sibling maps", async () => {
    await expectSafeRule("{\"model_type\":\"x\",\"text_config\":{\"hidden_size\":4},\"vision_config\":{\"hidden_size\":4}}", "HFC012", false, "config.json");
  });
});
