import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("TPL002", () => {
  it("catches lipsum globals", async () => {
    await expectSafeRule("{{ lipsum.__globals__['os'] }}", "TPL002", true, "chat_template.jinja");
  });
  it("catches an alias of cycler", async () => {
    await expectSafeRule("{% set c = cycler %}{{ c.__init__ }}", "TPL002", true, "chat_template.jinja");
  });
  it("does not fire on calling namespace() and a local named config", async () => {
    await expectSafeRule("{% set config = namespace(x=1) %}{{ config.x }}{% set ns = namespace(a=1) %}", "TPL002", false, "chat_template.jinja");
  });
});
