import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("HFC011", () => {
  it("catches a payload in custom_chat_template", async () => {
    await expectSafeRule("{\"tokenizer_class\":\"X\",\"chat_template\":\"{{ messages }}\",\"custom_chat_template\":\"{{ self.__init__.__globals__['os'].system('id') }}\"}", "HFC011", true, "tokenizer_config.json");
  });
  it("does not fire on a harmless template-shaped value", async () => {
    await expectSafeRule("{\"tokenizer_class\":\"X\",\"prompt_format\":\"{{ bos_token }}{{ content }}\"}", "HFC011", false, "tokenizer_config.json");
  });
});
