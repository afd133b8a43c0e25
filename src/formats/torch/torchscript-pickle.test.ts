import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { parsePickle } from "../pickle/parse.js";
import { torchScriptView } from "./torchscript-pickle.js";

describe("torchScriptView", () => {
  it("drops names the TorchScript unpickler resolves itself and keeps Python globals", async () => {
    const bytes = new P().proto(2).global("__torch__", "M").emptyTuple().newobj().pop()
      .global("torch.jit._pickle", "build_intlist").emptyList().tuple1().reduce().pop()
      .global("builtins", "print").unicode("x").tuple1().reduce().stop().toBytes();
    const doc = await parsePickle(new MemorySource(bytes));
    const view = torchScriptView(doc);
    expect(view.imports.map((i) => `${i.module}.${i.name}`)).toEqual(["builtins.print"]);
    expect([...view.calls.values()].map((g) => g.imp?.name)).toEqual(["print"]);
    expect(doc.imports).toHaveLength(3);
  });
});
