import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("HFC007", () => {
  it("catches builtins.exec", async () => {
    await expectSafeRule("{\"module\":{\"_target_\":\"builtins.exec\",\"_args_\":[\"print(1)\"]}}", "HFC007", true, "config.json");
  });
  it("catches a dunder walk inside an allowed prefix", async () => {
    await expectSafeRule("{\"m\":{\"_target_\":\"torch.nn.Module.__init__.__globals__\"}}", "HFC007", true, "config.json");
  });
  it("catches torchtune _component_ naming os.system", async () => {
    await expectSafeRule("{\"x\":{\"_component_\":\"os.system\"}}", "HFC007", true, "config.json");
  });
  it("does not fire on framework targets", async () => {
    await expectSafeRule("{\"optim\":{\"_target_\":\"torch.optim.AdamW\"},\"model\":{\"_target_\":\"nemo.collections.asr.models.EncDecCTCModel\"}}", "HFC007", false, "config.json");
  });
});
