import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST006", () => {
  it("catches overlapping tensors", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "a", dtype: "F32", shape: [4], offsets: [0, 16] }, { name: "b", dtype: "F32", shape: [2], offsets: [8, 16] }], dataBytes: 16 }), "ST006", true, "model.safetensors");
  });
  it("catches a gap between tensors", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "a", dtype: "F32", shape: [2], offsets: [0, 8] }, { name: "b", dtype: "F32", shape: [2], offsets: [16, 24] }], dataBytes: 24 }), "ST006", true, "model.safetensors");
  });
  it("catches a range that ends before it begins", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "a", dtype: "F32", shape: [0], offsets: [8, 0] }], dataBytes: 8 }), "ST006", true, "model.safetensors");
  });
  it("does not fire on tensors declared out of order but tiling the data", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "b", dtype: "F32", shape: [2], offsets: [8, 16] }, { name: "a", dtype: "F32", shape: [2], offsets: [0, 8] }], dataBytes: 16 }), "ST006", false, "model.safetensors");
  });
});
