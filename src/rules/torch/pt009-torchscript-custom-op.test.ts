import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, zipModelHandler } from "../../formats/torch/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { pt009 } from "./pt009-torchscript-custom-op.js";

const handlers = [zipModelHandler, torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const ids = async (rel: string): Promise<string[]> => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [pt009] })).findings.map((f) => f.ruleId);

describe("PT009 TorchScript custom operators", () => {
  it("catches torch.ops of an unknown namespace", async () => {
    expect(await ids("hostile/pt009_custom_op.pt")).toContain("PT009");
  });
  it("does not fire for aten operators", async () => {
    expect(await ids("benign/scripted.pt")).not.toContain("PT009");
  });
});
