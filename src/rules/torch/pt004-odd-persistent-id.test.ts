import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, zipModelHandler } from "../../formats/torch/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { pt004 } from "./pt004-odd-persistent-id.js";

const handlers = [zipModelHandler, torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const ids = async (rel: string): Promise<string[]> => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [pt004] })).findings.map((f) => f.ruleId);

describe("PT004 persistent id not a storage reference", () => {
  it("catches a storage id whose element count is a call", async () => {
    expect(await ids("hostile/pt004_pid_numel_call.pt")).toContain("PT004");
  });
  it("does not fire for legacy ('module', cls, file, source) ids", async () => {
    expect(await ids("benign/whole_module_legacy.pt")).not.toContain("PT004");
  });
});
