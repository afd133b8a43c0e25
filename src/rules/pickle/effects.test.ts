/**
 * The effect model: rebuild vs call vs attribute reference vs deferred callable, judged by the
 * policy's exact names (issue 9). Malicious shapes must fail the gate; ordinary ones must not.
 */
import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { scanBytes } from "../../test-support/scan.js";

async function worst(bytes: Uint8Array): Promise<{ verdict: string; ids: string[] }> {
  const report = await scanBytes(bytes);
  return { verdict: report.verdict, ids: report.findings.filter((f) => f.severity !== "info").map((f) => f.ruleId) };
}

describe("pickle effect model", () => {
  it("catches typing._eval_type(typing.ForwardRef(\"__import__('os')…\"), {}, {}) (typing is no longer allowlisted)", async () => {
    const bytes = new P()
      .proto(2)
      .global("typing", "_eval_type")
      .global("typing", "ForwardRef")
      .unicode("__import__('os').system('id')")
      .tuple1()
      .reduce()
      .emptyDict()
      .emptyDict()
      .raw(0x87) // TUPLE3
      .reduce()
      .stop()
      .toBytes();
    const result = await worst(bytes);
    expect(result.verdict).toBe("unsafe");
    expect(result.ids).toContain("PKL001");
  });
  it("treats numpy.memmap(filename, mode='w+') as a call: its __new__ creates the file", async () => {
    const bytes = new P().proto(4).global("numpy", "memmap").mark().unicode("/tmp/x").unicode("uint8").unicode("w+").tuple().newobj().stop().toBytes();
    const result = await worst(bytes);
    expect(result.verdict).toBe("unsafe");
    expect(result.ids).toContain("PKL002");
  });
  it("lets a NamedTuple rebuilt with NEWOBJ(cls, (1.0, 2.0)) pass: only tuple.__new__ runs", async () => {
    const bytes = new P().proto(2).global("myproject.config", "Point").unicode("a").unicode("b").tuple2().newobj().stop().toBytes();
    expect((await worst(bytes)).verdict).toBe("clean");
  });
  it("still calls a class REDUCE'd with arguments (its __init__ runs on the data)", async () => {
    expect((await worst(P.call("myproject.config", "Point", "x"))).ids).toContain("PKL002");
  });
  it("judges getattr(<global>, '<literal>') as that name: a denylisted one is critical even uncalled", async () => {
    const bytes = new P().proto(2).global("builtins", "getattr").global("subprocess", "Popen").unicode("communicate").tuple2().reduce().stop().toBytes();
    expect((await worst(bytes)).ids).toContain("PKL001");
  });
  it("keeps builtins.getattr critical when the attribute name is computed", async () => {
    const bytes = new P().proto(2).global("builtins", "getattr").global("mylib", "Thing").global("mylib", "name").emptyTuple().reduce().tuple2().reduce().stop().toBytes();
    expect((await worst(bytes)).ids).toContain("PKL001");
  });
  it("catches getattr chains through dunders (PKL012)", async () => {
    const inner = new P().proto(2).global("builtins", "getattr").global("builtins", "getattr").global("torch.nn", "Module").unicode("__init__").tuple2().reduce();
    const bytes = inner.unicode("__globals__").tuple2().reduce().stop().toBytes();
    expect((await worst(bytes)).ids).toContain("PKL012");
  });
  it("judges a called getattr(ZoneInfo, '_unpickle')('Europe/Paris', 1) by its exact allowlist entry", async () => {
    const bytes = new P().proto(2).global("builtins", "getattr").global("zoneinfo", "ZoneInfo").unicode("_unpickle").tuple2().reduce().unicode("Europe/Paris").int(1).tuple2().reduce().stop().toBytes();
    expect((await worst(bytes)).verdict).toBe("clean");
  });
  it("flags a called getattr(<unknown>, 'load')(…) as an unknown call", async () => {
    const bytes = new P().proto(2).global("builtins", "getattr").global("mylib", "Store").unicode("load").tuple2().reduce().unicode("x").tuple1().reduce().stop().toBytes();
    expect((await worst(bytes)).ids).toContain("PKL002");
  });
  it("reports BUILD on getattr(<global>, 'attr') like BUILD on a global (PKL013)", async () => {
    const bytes = new P().proto(2).global("builtins", "getattr").global("numpy", "core").unicode("multiarray").tuple2().reduce().emptyDict().unicode("a").unicode("os").setitem().build().stop().toBytes();
    expect((await worst(bytes)).ids).toContain("PKL013");
  });
  it("judges a called partial as a call of its target", async () => {
    const bytes = new P().proto(2).global("functools", "partial").global("mylib", "run").tuple1().reduce().emptyTuple().reduce().stop().toBytes();
    const result = await worst(bytes);
    expect(result.ids).toContain("PKL002");
    expect(result.ids).not.toContain("PKL014");
  });
  it("lets operator.or_ of two Flag members (getattr references) pass", async () => {
    const member = (p: P, name: string): P => p.global("builtins", "getattr").global("myproject.config", "Perm").unicode(name).tuple2().reduce();
    const bytes = member(member(new P().proto(2).global("operator", "or_"), "READ"), "WRITE").tuple2().reduce().stop().toBytes();
    expect((await worst(bytes)).verdict).toBe("clean");
  });
  it("keeps other operator functions denied (operator.attrgetter)", async () => {
    expect((await worst(P.call("operator", "attrgetter", "system"))).ids).toContain("PKL001");
  });
});
