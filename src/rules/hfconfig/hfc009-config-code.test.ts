import { describe, it } from "vitest";
import { expectSafeRule } from "../../test-support/safetensors-builder.js";

describe("HFC009", () => {
  it("catches import os in a value", async () => {
    await expectSafeRule("{\"model_name\":\"x\",\"exec_on_load\":\"import os; os.system('whoami')\"}", "HFC009", true, "safe_config.json");
  });
  it("catches __import__ in a value", async () => {
    await expectSafeRule("{\"model_type\":\"x\",\"hook\":\"__import__('subprocess').call(['id'])\"}", "HFC009", true, "safe_config.json");
  });
  it("does not fire on prose and method names", async () => {
    await expectSafeRule("{\"model_type\":\"x\",\"description\":\"Run model.eval() and import the weights; executes fast\"}", "HFC009", false, "safe_config.json");
  });
});
