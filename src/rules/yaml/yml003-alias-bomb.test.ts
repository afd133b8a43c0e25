import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

/** Nine levels of nine aliases: 9^9 "lol"s once expanded. */
function laughs(): string {
  let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let prev = "a";
  for (const name of "bcdefghi") {
    text += `${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]\n`;
    prev = name;
  }
  return text;
}

describe("YML003", () => {
  it("catches nine levels of nine aliases", async () => {
    await expectSafeRule(laughs(), "YML003", true, "config.yaml");
  });
  it("does not fire on a few anchors and merges", async () => {
    await expectSafeRule("base: &b {x: 1}\na: *b\nc:\n  <<: *b\n  y: 2\n", "YML003", false, "config.yaml");
  });
});
