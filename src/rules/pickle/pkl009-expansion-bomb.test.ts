import { describe, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

describe("PKL009 expansion bomb", () => {
  it("catches a list appended to itself through the memo (billion laughs)", async () => {
    const b = new P().proto(4).emptyList().put(0);
    for (let i = 0; i < 40; i++) b.get(0).append();
    await expectRule(b.stop().toBytes(), "PKL009", true);
  });
  it("catches a stream made of DUPs", async () => {
    const b = new P().proto(4).emptyList();
    for (let i = 0; i < 200; i++) b.dup();
    await expectRule(b.stop().toBytes(), "PKL009", true);
  });
  it("does not fire for a large flat list", async () => {
    const b = new P().proto(4).emptyList().mark();
    for (let i = 0; i < 2000; i++) b.int(i % 250);
    await expectRule(b.appends().stop().toBytes(), "PKL009", false);
  });
});
