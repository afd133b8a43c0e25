import { describe, it } from "vitest";
import { buildSafetensors, expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("ST003", () => {
  it("catches a second __metadata__", async () => {
    await expectSafeRule(buildSafetensors({ header: '{"__metadata__":{"a":"1"},"__metadata__":{"a":"2"}}' }), "ST003", true, "model.safetensors");
  });
  it("does not fire on the same key in two different maps", async () => {
    await expectSafeRule(buildSafetensors({ header: '{"__metadata__":{"format":"pt"},"format":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}' }), "ST003", false, "model.safetensors");
  });
});
