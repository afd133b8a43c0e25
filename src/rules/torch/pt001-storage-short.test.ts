import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, zipModelHandler } from "../../formats/torch/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { pt001 } from "./pt001-storage-short.js";

const handlers = [zipModelHandler, torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const ids = async (rel: string): Promise<string[]> => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [pt001] })).findings.map((f) => f.ruleId);

describe("PT001 storage record shorter than declared", () => {
  it("catches a storage id declaring 1024 floats over a 24-byte record", async () => {
    expect(await ids("hostile/pt001_storage_short.pt")).toContain("PT001");
  });
  it("does not fire when every record is exactly numel x element size", async () => {
    expect(await ids("benign/state_dict.pt")).not.toContain("PT001");
  });
});
