import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, zipModelHandler } from "../../formats/torch/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { pt003 } from "./pt003-tensor-mutation.js";

const handlers = [zipModelHandler, torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const ids = async (rel: string): Promise<string[]> => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [pt003] })).findings.map((f) => f.ruleId);

describe("PT003 SETITEM into a tensor", () => {
  it("catches SETITEM into a rebuilt tensor (CVE-2026-24747)", async () => {
    expect(await ids("hostile/pt003_setitem_on_tensor.pt")).toContain("PT003");
  });
  it("does not fire for SETITEMS into the OrderedDict of a state dict", async () => {
    expect(await ids("benign/state_dict.pt")).not.toContain("PT003");
  });
});
