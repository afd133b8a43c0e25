import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("TPL005", () => {
  it("catches ~ concatenation", async () => {
    await expectSafeRule("{{ x['__glo' ~ 'bals__'] }}", "TPL005", true, "chat_template.jinja");
  });
  it("catches hex escapes", async () => {
    await expectSafeRule("{{ x['\\x5f\\x5fclass\\x5f\\x5f'] }}", "TPL005", true, "chat_template.jinja");
  });
  it("catches %c formatting", async () => {
    await expectSafeRule("{{ x['%c%cclass%c%c' % (95, 95, 95, 95)] }}", "TPL005", true, "chat_template.jinja");
  });
  it("does not fire on concatenated special tokens", async () => {
    await expectSafeRule("{{ '<|' ~ 'system' ~ '|>' + '\\n' }}", "TPL005", false, "chat_template.jinja");
  });
});
