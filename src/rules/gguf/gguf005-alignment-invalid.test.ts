import { describe, it } from "vitest";
import { ValueType } from "../../formats/gguf/constants.js";
import { GgufBuilder } from "../../test-support/gguf-builder.js";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("GGUF005", () => {
  it("catches alignment 0 (division by zero in readers)", async () => {
    await expectSafeRule(new GgufBuilder().u32("general.alignment", 0).build(), "GGUF005", true, "model.gguf");
  });
  it("catches alignment 48", async () => {
    await expectSafeRule(new GgufBuilder().u32("general.alignment", 48).build(), "GGUF005", true, "model.gguf");
  });
  it("catches an alignment that is not a UINT32", async () => {
    await expectSafeRule(new GgufBuilder().kv("general.alignment", ValueType.UINT64, 32n).build(), "GGUF005", true, "model.gguf");
  });
  it("does not fire on alignment 64 with tensors laid out on it", async () => {
    await expectSafeRule(new GgufBuilder({ alignment: 64 }).u32("general.alignment", 64).tensor("a", [3], 0).tensor("b", [5], 0).build(), "GGUF005", false, "model.gguf");
  });
});
