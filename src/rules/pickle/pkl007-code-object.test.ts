import { describe, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL007 code object", () => {
  it("catches cloudpickle's function builder", async () => {
    await expectRule(new P().proto(4).global("cloudpickle.cloudpickle", "_builtin_type").unicode("CodeType").tuple1().reduce().stop().toBytes(), "PKL007", true);
  });
  it("catches types.CodeType", async () => {
    await expectRule(new P().proto(2).global("types", "CodeType").emptyTuple().reduce().stop().toBytes(), "PKL007", true);
  });
  it("does not fire for types.SimpleNamespace (allowlisted)", async () => {
    await expectRule(new P().proto(2).global("types", "SimpleNamespace").emptyTuple().reduce().stop().toBytes(), "PKL007", false);
  });
});
