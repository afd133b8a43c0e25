import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { expectRule } from "../../test-support/rule-cases.js";

/** functools.partial(module.name, 'arg') as pickle writes it: REDUCE of the class, then BUILD with (f, args, kwargs, dict). */
function partialOf(module: string, name: string, state?: [string, string]): Uint8Array {
  const p = new P().proto(2).global("functools", "partial").global(module, name).tuple1().reduce();
  const [m, n] = state ?? [module, name];
  return p.mark().global(m, n).unicode("arg").tuple1().emptyDict().none().tuple().build().stop().toBytes();
}

describe("PKL016 deferred callable", () => {
  it("reports functools.partial of a callable on no list, never called (medium)", async () => {
    const report = await expectRule(partialOf("mylib.tools", "run"), "PKL016", true);
    expect(report.findings.find((f) => f.ruleId === "PKL016")?.severity).toBe("medium");
    expect(report.verdict).toBe("suspicious");
  });
  it("reports a partial whose BUILD state swaps in another callable", async () => {
    const report = await expectRule(partialOf("builtins", "int", ["mylib.tools", "run"]), "PKL016", true);
    expect(report.findings.find((f) => f.ruleId === "PKL016")?.message).toContain("mylib.tools.run");
  });
  it("leaves functools.partial(torch.nn.LayerNorm, eps=1e-6) at info (allowlisted target)", async () => {
    const report = await expectRule(partialOf("torch.nn.modules.normalization", "LayerNorm"), "PKL016", false);
    expect(report.verdict).toBe("clean");
  });
  it("is critical through PKL001 when the stored callable is denylisted, even if never called", async () => {
    const report = await expectRule(partialOf("posix", "system"), "PKL001", true);
    expect(report.findings.find((f) => f.ruleId === "PKL001")?.message).toContain("stores for a later call");
  });
});
