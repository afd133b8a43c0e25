import { describe, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL014 dynamic callable", () => {
  it("catches calling the result of getattr(...)", async () => {
    const bytes = new P().proto(2).global("builtins", "getattr").global("os", "path").unicode("join").tuple2().reduce().unicode("x").tuple1().reduce().stop().toBytes();
    await expectRule(bytes, "PKL014", true);
  });
  it("does not fire when every callable is an import", async () => {
    await expectRule(new P().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().stop().toBytes(), "PKL014", false);
  });
});
