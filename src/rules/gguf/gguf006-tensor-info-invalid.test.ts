import { describe, it } from "vitest";
import { GgufBuilder } from "../../test-support/gguf-builder.js";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("GGUF006", () => {
  it("catches tensor data past the end of the file", async () => {
    await expectSafeRule(new GgufBuilder().tensor("w", [1024], 0).build({ dataBytes: 64 }), "GGUF006", true, "model.gguf");
  });
  it("catches an unaligned offset", async () => {
    await expectSafeRule(new GgufBuilder().tensor("w", [8], 0, 3n).build({ dataBytes: 64 }), "GGUF006", true, "model.gguf");
  });
  it("catches a shape that overflows int64", async () => {
    await expectSafeRule(new GgufBuilder().tensor("w", [2 ** 40, 2 ** 40], 0).build({ dataBytes: 64 }), "GGUF006", true, "model.gguf");
  });
  it("catches five dimensions and a 64-byte name", async () => {
    await expectSafeRule(new GgufBuilder().tensor("n".repeat(64), [1, 1, 1, 1, 1], 0).build(), "GGUF006", true, "model.gguf");
  });
  it("catches a Q4_0 row that is not a multiple of the block", async () => {
    await expectSafeRule(new GgufBuilder().tensor("w", [33], 2).build({ dataBytes: 64 }), "GGUF006", true, "model.gguf");
  });
  it("does not fire on packed, aligned tensors of mixed types", async () => {
    await expectSafeRule(new GgufBuilder().tensor("a", [64, 2], 8).tensor("b", [256], 12).tensor("c", [7], 1).build(), "GGUF006", false, "model.gguf");
  });
});
