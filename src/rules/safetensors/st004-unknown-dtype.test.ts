import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST004", () => {
  it("catches dtype F128", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "w", dtype: "F128", shape: [2], offsets: [0, 32] }], dataBytes: 32 }), "ST004", true, "model.safetensors");
  });
  it("does not fire on every known dtype, including F8_E8M0 and F4", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "a", dtype: "F8_E8M0", shape: [2], offsets: [0, 2] }, { name: "b", dtype: "F4", shape: [4], offsets: [2, 4] }, { name: "c", dtype: "C64", shape: [1], offsets: [4, 12] }], dataBytes: 12 }), "ST004", false, "model.safetensors");
  });
});
