import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("HFC001", () => {
  it("catches auto_map in config.json", async () => {
    await expectSafeRule("{\"model_type\":\"phi3\",\"auto_map\":{\"AutoConfig\":\"configuration_phi3.Phi3Config\",\"AutoModelForCausalLM\":\"modeling_phi3.Phi3ForCausalLM\"}}", "HFC001", true, "config.json");
  });
  it("catches custom_pipelines", async () => {
    await expectSafeRule("{\"model_type\":\"x\",\"custom_pipelines\":{\"text-classification\":{\"impl\":\"pipeline_x.MyPipeline\"}}}", "HFC001", true, "config.json");
  });
  it("does not fire on a config without auto_map", async () => {
    await expectSafeRule("{\"model_type\":\"llama\",\"architectures\":[\"LlamaForCausalLM\"]}", "HFC001", false, "config.json");
  });
});
