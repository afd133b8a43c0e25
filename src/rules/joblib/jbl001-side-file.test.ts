import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { joblibHandler } from "../../formats/joblib/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { jbl001 } from "./jbl001-side-file.js";

const handlers = [joblibHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const ids = async (rel: string) => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [jbl001] })).findings.map((f) => f.ruleId);

describe("JBL001 side file", () => {
  it("catches a joblib < 0.10 NDArrayWrapper that loads a file next to the dump", async () => {
    expect(await ids("hostile/jbl001_side_file.pkl")).toContain("JBL001");
  });
  it("does not fire for joblib 1.2 dumps, whose arrays are inline", async () => {
    expect(await ids("benign/random_forest.joblib")).toEqual([]);
  });
  it("leaves a path out of the folder to JBL002", async () => {
    expect(await ids("hostile/jbl002_side_file_escape.pkl")).toEqual([]);
  });
});
