import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("TPL006", () => {
  it("catches an unclosed expression", async () => {
    await expectSafeRule("{{ unclosed_bracket", "TPL006", true, "chat_template.jinja");
  });
  it("does not fire on a template that parses", async () => {
    await expectSafeRule("{% for m in messages %}{{ m.content }}{% endfor %}", "TPL006", false, "chat_template.jinja");
  });
});
