import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST007", () => {
  it("catches bytes after the last tensor", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [2] }], trailing: new Uint8Array([0x50, 0x4b, 3, 4]) }), "ST007", true, "model.safetensors");
  });
  it("does not fire on data that ends exactly at the end of the file", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [2] }] }), "ST007", false, "model.safetensors");
  });
});
