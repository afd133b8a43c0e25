import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, zipModelHandler } from "../../formats/torch/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { pt005 } from "./pt005-legacy-magic-call.js";

const handlers = [zipModelHandler, torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const ids = async (rel: string): Promise<string[]> => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [pt005] })).findings.map((f) => f.ruleId);

describe("PT005 legacy magic computed", () => {
  it("catches a magic-number pickle that calls print (GHSA-97f8-7cmv-76j2)", async () => {
    expect(await ids("hostile/pt005_magic_print.pt")).toContain("PT005");
  });
  it("does not fire for the plain LONG1 magic torch writes", async () => {
    expect(await ids("benign/state_dict_legacy.pt")).not.toContain("PT005");
  });
  it("catches a magic computed by builtins.int even though int is harmless", async () => {
    expect(await ids("hostile/pt005_magic_int_call.pt")).toContain("PT005");
  });
});
