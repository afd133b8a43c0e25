import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST012", () => {
  it("catches a callback URL", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { callback_url: "http://evil.example/hook" } }), "ST012", true, "model.safetensors");
  });
  it("does not fire on a licence URL in a key nobody fetches", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { "modelspec.license": "https://huggingface.co/stabilityai/sdxl/blob/main/LICENSE.md" } }), "ST012", false, "model.safetensors");
  });
});
