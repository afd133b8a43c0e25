import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST013", () => {
  it("catches a script element", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { card: "<script>alert(1)</script>" } }), "ST013", true, "model.safetensors");
  });
  it("catches an event handler", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { card: "<img src=x onerror=alert(1)>" } }), "ST013", true, "model.safetensors");
  });
  it("does not fire on markdown with angle brackets", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { card: "Use <|im_start|> tokens; see the description" } }), "ST013", false, "model.safetensors");
  });
});
