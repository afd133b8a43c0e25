import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST010", () => {
  it("catches import os and os.system", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { info: "import os; os.system('id')" } }), "ST010", true, "model.safetensors");
  });
  it("catches exec of a base64 payload", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { x: "import base64; exec(base64.b64decode('cHJpbnQoMSk='))" } }), "ST010", true, "model.safetensors");
  });
  it("does not fire on prose mentioning evaluation and imports", async () => {
    await expectSafeRule(buildSafetensors({ metadata: { description: "Call model.eval() before import into your pipeline", format: "pt" } }), "ST010", false, "model.safetensors");
  });
});
