import { describe, expect, it } from "vitest";
import { attributeFields } from "../../formats/jinja/format-fields.js";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("TPL007", () => {
  it("catches \"{0.__class__…}\".format(x) (and the dunder as TPL001)", async () => {
    const template = "{% for m in messages %}{{ '{0.__class__.__init__.__globals__}'.format(m) }}{% endfor %}";
    await expectSafeRule(template, "TPL007", true, "chat_template.jinja");
    await expectSafeRule(template, "TPL001", true, "chat_template.jinja");
  });
  it("catches an attribute walk without dunders, and format_map with an index", async () => {
    await expectSafeRule("{{ '{m.content.encode}'.format(m=messages[0]) }}", "TPL007", true, "chat_template.jinja");
    await expectSafeRule("{{ '{0[secret]}'.format_map(env) }}", "TPL007", true, "chat_template.jinja");
  });
  it("catches the shape in a template that does not parse (lexical scan)", async () => {
    await expectSafeRule("{{ '{0.__class__}'.format(x) }}{% if %}", "TPL007", true, "chat_template.jinja");
  });
  it("does not fire on plain positional and named fields", async () => {
    await expectSafeRule("{% for m in messages %}{{ '<|{0}|>{1}'.format(m['role'], m['content']) }}{{ '{name}: {{literal}}'.format(name=m['role']) }}{% endfor %}", "TPL007", false, "chat_template.jinja");
  });
  it("parses fields linearly: escapes, conversions, format specs", () => {
    expect(attributeFields("{{0.x}} {0!r:>{1.width}} {a[b.c]} {}")).toEqual(["1.width", "a[b.c]"]);
  });
});
