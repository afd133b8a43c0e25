import { describe, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL008 encoded payload", () => {
  it("catches exec(base64.b64decode(...))", async () => {
    const bytes = new P().proto(2).global("builtins", "exec").global("base64", "b64decode").unicode(btoa("import os; os.system('id')")).tuple1().reduce().tuple1().reduce().stop().toBytes();
    await expectRule(bytes, "PKL008", true);
  });
  it("catches a base64 string that decodes to code passed straight to eval", async () => {
    await expectRule(P.call("builtins", "eval", btoa("__import__('os').system('id')")), "PKL008", true);
  });
  it("does not fire for a plain command string (PKL001 covers it)", async () => {
    await expectRule(P.call("os", "system", "ls"), "PKL008", false);
  });
});
