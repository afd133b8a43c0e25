import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("TPL003", () => {
  it("catches popen", async () => {
    await expectSafeRule("{{ x.popen('id').read() }}", "TPL003", true, "chat_template.jinja");
  });
  it("catches os through globals", async () => {
    await expectSafeRule("{{ y.__globals__.os }}", "TPL003", true, "chat_template.jinja");
  });
  it("does not fire on the word system as a role and a string", async () => {
    await expectSafeRule("{% if message['role'] == 'system' %}{{ 'system: open the door' }}{% endif %}", "TPL003", false, "chat_template.jinja");
  });
});
