import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST009", () => {
  it("catches an object in __metadata__", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { cfg: { a: "b" } } }), "ST009", true, "model.safetensors");
  });
  it("catches a list as __metadata__", async () => {
    await expectSafeRule(buildSafetensors({ metadata: ["a"] as unknown as Record<string, unknown> }), "ST009", true, "model.safetensors");
  });
  it("does not fire on null metadata (the reference reads it as no metadata)", async () => {
    await expectSafeRule(buildSafetensors({ metadata: null }), "ST009", false, "model.safetensors");
  });
});
