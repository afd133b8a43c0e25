import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("YML001", () => {
  it("catches !!python/object/apply", async () => {
    await expectSafeRule("payload: !!python/object/apply:os.system [\"id\"]\n", "YML001", true, "config.yaml");
  });
  it("catches !!python/name", async () => {
    await expectSafeRule("hook: !!python/name:posix.system ''\n", "YML001", true, "config.yaml");
  });
  it("catches a python tag behind a %TAG handle", async () => {
    await expectSafeRule("%TAG !p! tag:yaml.org,2002:python/\n---\nx: !p!object/new:subprocess.Popen [[\"id\"]]\n", "YML001", true, "config.yaml");
  });
  it("does not fire on !!python/tuple, which is data", async () => {
    await expectSafeRule("shape: !!python/tuple [3, 4]\n", "YML001", false, "config.yaml");
  });
});
