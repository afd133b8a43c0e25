import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST008", () => {
  it("catches a tensor that runs past the end of the file", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [64] }], dataBytes: 16 }), "ST008", true, "model.safetensors");
  });
  it("does not fire on a complete file", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [64] }] }), "ST008", false, "model.safetensors");
  });
});
