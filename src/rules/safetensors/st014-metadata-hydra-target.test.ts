import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST014", () => {
  it("catches a FlexTok-style JSON config naming builtins.exec", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { config: JSON.stringify({ _target_: "builtins.exec", _args_: ["print(1)"] }) } }), "ST014", true, "model.safetensors");
  });
  it("catches a metadata key _target_", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { _target_: "os.system" } }), "ST014", true, "model.safetensors");
  });
  it("does not fire on a framework target", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { config: JSON.stringify({ _target_: "torch.nn.Linear", in_features: 4 }) } }), "ST014", false, "model.safetensors");
  });
});
