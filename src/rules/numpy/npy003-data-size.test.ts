import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { npyHandler } from "../../formats/numpy/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { npy003 } from "./npy003-data-size.js";

const handlers = [npyHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const ids = async (rel: string) => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [npy003] })).findings.map((f) => f.ruleId);

describe("NPY003 data size", () => {
  it("catches a pickle appended after the array data", async () => {
    expect(await ids("hostile/npy003_trailing_pickle.npy")).toContain("NPY003");
  });
  it("catches data shorter than the shape needs", async () => {
    expect(await ids("hostile/npy003_short_data.npy")).toContain("NPY003");
  });
  it("does not fire when the data fills the shape exactly (structured and unicode items included)", async () => {
    for (const rel of ["benign/array_v1.npy", "benign/structured.npy", "benign/strings.npy", "benign/array_v3.npy"]) expect(await ids(rel), rel).toEqual([]);
  });
});
