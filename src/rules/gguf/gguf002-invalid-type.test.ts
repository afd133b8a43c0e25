import { describe, it } from "vitest";
import { GgufBuilder } from "../../test-support/gguf-builder.js";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("GGUF002", () => {
  it("catches value type 99", async () => {
    await expectSafeRule(new GgufBuilder().kv("general.x", 99, 0).build(), "GGUF002", true, "model.gguf");
  });
  it("catches array element type 13", async () => {
    await expectSafeRule(new GgufBuilder().array("general.x", 13, []).build(), "GGUF002", true, "model.gguf");
  });
  it("catches a removed ggml tensor type (4, Q4_2)", async () => {
    await expectSafeRule(new GgufBuilder().tensor("w", [32], 4).build({ dataBytes: 64 }), "GGUF002", true, "model.gguf");
  });
  it("does not fire on the newest types (MXFP4, Q1_0) and every value type", async () => {
    const b = new GgufBuilder();
    for (let t = 0; t <= 12; t++) if (t !== 8 && t !== 9) b.kv(`k.t${t}`, t, 1);
    b.tensor("a", [32], 39).tensor("b", [128], 41);
    await expectSafeRule(b.build(), "GGUF002", false, "model.gguf");
  });
});
