import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, zipModelHandler } from "../../formats/torch/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { pt002 } from "./pt002-storage-records.js";

const handlers = [zipModelHandler, torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const ids = async (rel: string): Promise<string[]> => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [pt002] })).findings.map((f) => f.ruleId);

describe("PT002 storage records do not match the ids", () => {
  it("catches a missing data/<key> record", async () => {
    expect(await ids("hostile/pt002_storage_missing.pt")).toContain("PT002");
  });
  it("does not fire for two views sharing one storage record", async () => {
    expect(await ids("benign/mixed_dtypes.pt")).not.toContain("PT002");
  });
  it("catches a data/<key> record no id references", async () => {
    expect(await ids("hostile/pt002_extra_record.pt")).toContain("PT002");
  });
});
