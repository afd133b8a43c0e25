import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, zipModelHandler } from "../../formats/torch/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { pt006 } from "./pt006-legacy-layout.js";

const handlers = [zipModelHandler, torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const ids = async (rel: string): Promise<string[]> => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [pt006] })).findings.map((f) => f.ruleId);

describe("PT006 legacy layout", () => {
  it("catches a pickle appended after the last storage", async () => {
    expect(await ids("hostile/pt006_leftover_pickle.pt")).toContain("PT006");
  });
  it("does not fire for storages of mixed element sizes that end the file", async () => {
    expect(await ids("benign/mixed_dtypes_legacy.pt")).not.toContain("PT006");
  });
  it("catches a legacy tar whose storages member is a symlink", async () => {
    expect(await ids("hostile/pt006_legacy_tar_symlink.pt")).toContain("PT006");
  });
});
