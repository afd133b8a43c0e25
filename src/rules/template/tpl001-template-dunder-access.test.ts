import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("TPL001", () => {
  it("catches __class__.__mro__", async () => {
    await expectSafeRule("{{ ''.__class__.__mro__[1].__subclasses__() }}", "TPL001", true, "chat_template.jinja");
  });
  it("catches a dunder by subscript", async () => {
    await expectSafeRule("{{ x['__globals__'] }}", "TPL001", true, "chat_template.jinja");
  });
  it("does not fire on a loop over messages using loop.index0 and namespace()", async () => {
    await expectSafeRule("{% set ns = namespace(found=false) %}{% for m in messages %}{% if loop.index0 == 0 %}{% set ns.found = true %}{% endif %}{{ m['content'] }}{% endfor %}", "TPL001", false, "chat_template.jinja");
  });
});
