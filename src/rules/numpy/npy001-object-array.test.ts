import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { npyHandler } from "../../formats/numpy/index.js";
import { zipModelHandler } from "../../formats/torch/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { npy001 } from "./npy001-object-array.js";

const handlers = [npyHandler, zipModelHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const findings = async (rel: string) => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [npy001] })).findings;

describe("NPY001 object array", () => {
  it("reports an object array, whose data is a pickle", async () => {
    expect((await findings("benign/object_array.npy")).map((f) => f.ruleId)).toEqual(["NPY001"]);
  });
  it("reports each object member of an .npz at its member path", async () => {
    expect((await findings("hostile/pkl001_npz_object_member.npz")).map((f) => f.location.member)).toEqual(["b.npy"]);
  });
  it("does not fire for plain, structured or string arrays", async () => {
    for (const rel of ["benign/array_v1.npy", "benign/structured.npy", "benign/strings.npy"]) expect(await findings(rel), rel).toEqual([]);
  });
});
