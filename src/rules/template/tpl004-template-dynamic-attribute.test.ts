import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("TPL004", () => {
  it("catches the attr filter", async () => {
    await expectSafeRule("{{ ''|attr('upper') }}", "TPL004", true, "chat_template.jinja");
  });
  it("catches getattr()", async () => {
    await expectSafeRule("{{ getattr(x, 'y') }}", "TPL004", true, "chat_template.jinja");
  });
  it("does not fire on map(attribute=) on a field name", async () => {
    await expectSafeRule("{{ messages|map(attribute='content')|join('\\n') }}", "TPL004", false, "chat_template.jinja");
  });
});
