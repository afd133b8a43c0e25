import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, zipModelHandler } from "../../formats/torch/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { pt008 } from "./pt008-torchscript-gadget.js";

const handlers = [zipModelHandler, torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const ids = async (rel: string): Promise<string[]> => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [pt008] })).findings.map((f) => f.ruleId);

describe("PT008 TorchScript gadgets", () => {
  it("catches __setstate__ calling torch.save (CVE-2025-32434 shape)", async () => {
    expect(await ids("hostile/pt008_setstate_torch_save.pt")).toContain("PT008");
  });
  it("does not fire for ordinary scripted code", async () => {
    expect(await ids("benign/scripted.pt")).not.toContain("PT008");
  });
  it("catches code in a type comment (CVE-2022-45907 shape)", async () => {
    expect(await ids("hostile/pt008_type_comment_code.pt")).toContain("PT008");
  });
});
