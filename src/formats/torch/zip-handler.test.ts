import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { TORCHSCRIPT_PICKLE } from "./pickle-member.js";
import type { TorchDocument } from "./types.js";
import { zipModelHandler } from "./zip-handler.js";

const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const analyze = (bytes: Uint8Array) => zipModelHandler.analyze(new MemorySource(bytes), testScanContext());

describe("zipModelHandler", () => {
  it("adds the TorchScript view to a torch.jit.save archive and reads its code", async () => {
    const analysis = await analyze(fixture("hostile/pt008_setstate_torch_save.pt"));
    const torch = analysis?.also?.[0]?.document as TorchDocument;
    expect(analysis?.also?.[0]?.format).toBe("torchscript");
    expect(torch.torchscript?.setstate).toMatchObject([{ cls: "ScriptedSetstate" }]);
    expect(torch.torchscript?.gadgets.map((g) => g.what)).toEqual(["torch.save (aten::save) writes a file"]);
    const pickles = analysis?.members?.filter((m) => m.forceFormat === TORCHSCRIPT_PICKLE).map((m) => m.path.split("/").pop());
    expect(pickles?.sort()).toEqual(["__torch__.py.debug_pkl", "constants.pkl", "data.pkl"]);
  });

  it("names npz and MLeap bundles, and leaves other zips plain", async () => {
    expect((await analyze(fixture("benign/arrays.npz")))?.also?.[0]).toMatchObject({ format: "npz", document: { arrays: ["a", "b"] } });
    expect((await analyze(fixture("benign/mleap_pipeline.zip")))?.also?.[0]).toMatchObject({
      format: "mleap",
      document: { bundle: { name: "pipeline_modelvet", format: "json" }, rootModel: "root/model.json", models: 3, ops: ["pipeline", "standard_scaler", "linear_regression"] },
    });
    const plain = await analyze(buildZip([{ name: "readme.txt", data: "hello" }]));
    expect(plain).toMatchObject({ format: "zip" });
    expect(plain?.also).toBeUndefined();
  });

  it("passes on bytes that only mention a zip signature", async () => {
    expect(await analyze(new TextEncoder().encode("not a zip, only the letters PK\x03\x04 in text"))).toBeUndefined();
  });
});
