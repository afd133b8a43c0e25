import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("HFC003", () => {
  it("catches _attn_implementation_internal naming a Hub repo", async () => {
    await expectSafeRule("{\"model_type\":\"llama\",\"_attn_implementation_internal\":\"attacker/kernels\"}", "HFC003", true, "config.json");
  });
  it("catches a per-subconfig attn_implementation dict", async () => {
    await expectSafeRule("{\"model_type\":\"llava\",\"_attn_implementation\":{\"text_config\":\"attacker/kernels\"}}", "HFC003", true, "config.json");
  });
  it("does not fire on a built-in implementation name", async () => {
    await expectSafeRule("{\"model_type\":\"llama\",\"_attn_implementation\":\"flash_attention_2\",\"attn_implementation\":\"sdpa\"}", "HFC003", false, "config.json");
  });
});
