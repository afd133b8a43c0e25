import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST005", () => {
  it("catches a 1000x1000 F32 tensor in 8 bytes", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [1000, 1000], offsets: [0, 8] }], dataBytes: 8 }), "ST005", true, "model.safetensors");
  });
  it("catches a shape whose element count overflows u64", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [4294967296, 4294967296], offsets: [0, 8] }], dataBytes: 8 }), "ST005", true, "model.safetensors");
  });
  it("catches three F4 values (12 bits)", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "w", dtype: "F4", shape: [3], offsets: [0, 2] }], dataBytes: 2 }), "ST005", true, "model.safetensors");
  });
  it("does not fire on an empty tensor with an empty range", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [0, 4], offsets: [0, 0] }, { name: "s", dtype: "F32", shape: [], offsets: [0, 4] }], dataBytes: 4 }), "ST005", false, "model.safetensors");
  });
});
