import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST001", () => {
  it("catches a header cut short", async () => {
    await expectSafeRule(buildSafetensors({ header: '{"w":{"dtype":"F32",' }), "ST001", true, "model.safetensors");
  });
  it("catches a lone surrogate escape", async () => {
    await expectSafeRule(buildSafetensors({ header: '{"__metadata__":{"k":"\\ud800"}}        ' }), "ST001", true, "model.safetensors");
  });
  it("catches a tensor without data_offsets", async () => {
    await expectSafeRule(buildSafetensors({ header: '{"w":{"dtype":"F32","shape":[2]}}' }), "ST001", true, "model.safetensors");
  });
  it("does not fire on a header padded with spaces and a surrogate pair", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { k: "\ud83d\ude00" }, tensors: [{ name: "w", dtype: "F32", shape: [2] }] }), "ST001", false, "model.safetensors");
  });
});
