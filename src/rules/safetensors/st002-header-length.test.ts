import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST002", () => {
  it("catches a header length past the end of the file", async () => {
    await expectSafeRule(buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [2] }], headerLength: 4096n }), "ST002", true, "model.safetensors");
  });
  it("catches a header length above 100 MB", async () => {
    await expectSafeRule(buildSafetensors({ header: "{}", headerLength: 100_000_001n }), "ST002", true, "model.safetensors");
  });
  it("does not fire on a header of exactly 100 MB declared in a small file is ST002, but 2 bytes is fine", async () => {
    await expectSafeRule(buildSafetensors({ header: "{}" }), "ST002", false, "model.safetensors");
  });
});
