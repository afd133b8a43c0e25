import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { parsePickle } from "../pickle/parse.js";
import { resolveModulePids } from "./module-pids.js";

const moduleCall = (module: string, name: string) =>
  new P().proto(2).mark().unicode("module").global(module, name).unicode("model.py").unicode("source").tuple().binpersid().emptyTuple().newobj().stop().toBytes();

describe("resolveModulePids", () => {
  it("turns NEWOBJ on a legacy ('module', cls, …) id into a call of cls", async () => {
    const doc = resolveModulePids(await parsePickle(new MemorySource(moduleCall("torch.nn.modules.linear", "Linear"))));
    const groups = [...doc.calls.values()];
    expect(groups.map((g) => `${g.imp?.module}.${g.imp?.name} ${[...g.ops].join()}`)).toEqual(["torch.nn.modules.linear.Linear NEWOBJ"]);
  });

  it("leaves other persistent callees alone", async () => {
    const bytes = new P().proto(2).unicode("x").binpersid().emptyTuple().newobj().stop().toBytes();
    const doc = await parsePickle(new MemorySource(bytes));
    expect(resolveModulePids(doc)).toBe(doc);
  });
});
