import { describe, it } from "vitest";
import { ValueType } from "../../formats/gguf/constants.js";
import { GgufBuilder } from "../../test-support/gguf-builder.js";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("GGUF001", () => {
  it("catches a KV count the file cannot hold (CVE-2025-53630 shape)", async () => {
    await expectSafeRule(new GgufBuilder().counts(1n << 62n, 0n).build(), "GGUF001", true, "model.gguf");
  });
  it("catches a string length near 2^64", async () => {
    const bytes = new GgufBuilder().string("general.name", "x").build();
    new DataView(bytes.buffer).setBigUint64(24, 0xfffffffffffffff0n, true);
    await expectSafeRule(bytes, "GGUF001", true, "model.gguf");
  });
  it("catches an array longer than the file", async () => {
    await expectSafeRule(new GgufBuilder().array("tokenizer.ggml.scores", ValueType.FLOAT32, [1, 2]).build({ truncateTo: 60 }), "GGUF001", true, "model.gguf");
  });
  it("catches a BOOL that is neither 0 nor 1", async () => {
    await expectSafeRule(new GgufBuilder().kv("general.flag", ValueType.BOOL, 7).build(), "GGUF001", true, "model.gguf");
  });
  it("catches a version no reader accepts (0 and 4 and up), not reading it as clean", async () => {
    for (const version of [0, 4, 99]) {
      await expectSafeRule(new GgufBuilder({ version }).string("general.architecture", "llama").build(), "GGUF001", true, "model.gguf");
    }
  });
  it("does not fire on a well-formed v1, v2 and v3 file", async () => {
    for (const version of [1, 2, 3]) {
      const bytes = new GgufBuilder({ version }).string("general.architecture", "llama").array("tokenizer.ggml.tokens", ValueType.STRING, ["a", "b"]).tensor("w", [32], 0).build();
      await expectSafeRule(bytes, "GGUF001", false, "model.gguf");
    }
  });
});
