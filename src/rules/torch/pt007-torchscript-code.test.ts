import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, zipModelHandler } from "../../formats/torch/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { pt007 } from "./pt007-torchscript-code.js";

const handlers = [zipModelHandler, torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const ids = async (rel: string): Promise<string[]> => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [pt007] })).findings.map((f) => f.ruleId);

describe("PT007 TorchScript code", () => {
  it("reports a torch.jit.save archive", async () => {
    expect(await ids("benign/scripted.pt")).toContain("PT007");
  });
  it("does not fire for a torch.save checkpoint", async () => {
    expect(await ids("benign/state_dict.pt")).not.toContain("PT007");
  });
});
