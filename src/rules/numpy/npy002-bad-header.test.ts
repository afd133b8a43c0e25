import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { npyHandler } from "../../formats/numpy/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { npy002 } from "./npy002-bad-header.js";

const handlers = [npyHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const ids = async (rel: string) => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [npy002] })).findings.map((f) => f.ruleId);

describe("NPY002 bad header", () => {
  it("catches a header whose value is a call (never evaluated)", async () => {
    expect(await ids("hostile/npy002_header_call.npy")).toContain("NPY002");
  });
  it("catches a header with an extra key", async () => {
    expect(await ids("hostile/npy002_header_keys.npy")).toContain("NPY002");
  });
  it("does not fire for numpy's own version 1, 2 and 3 headers", async () => {
    for (const rel of ["benign/array_v1.npy", "benign/array_v2.npy", "benign/array_v3.npy", "benign/array_fortran.npy"]) expect(await ids(rel), rel).toEqual([]);
  });
});
