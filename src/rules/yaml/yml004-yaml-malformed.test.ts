import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("YML004", () => {
  it("catches an unclosed flow sequence", async () => {
    await expectSafeRule("a: [1, 2\nb: 3\n", "YML004", true, "config.yaml");
  });
  it("does not fire on valid YAML", async () => {
    await expectSafeRule("a: [1, 2]\nb: 3\n", "YML004", false, "config.yaml");
  });
});
