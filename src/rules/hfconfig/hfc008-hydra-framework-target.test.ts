import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("HFC008", () => {
  it("catches a NeMo target", async () => {
    await expectSafeRule("{\"preprocessor\":{\"_target_\":\"nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor\"}}", "HFC008", true, "config.json");
  });
  it("does not fire on a target outside the allowlist (HFC007 instead)", async () => {
    await expectSafeRule("{\"module\":{\"_target_\":\"os.system\"}}", "HFC008", false, "config.json");
  });
});
