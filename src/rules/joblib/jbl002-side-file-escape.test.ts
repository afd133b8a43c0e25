import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { joblibHandler } from "../../formats/joblib/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { jbl002 } from "./jbl002-side-file-escape.js";
import { escapesFolder } from "./shared.js";

const handlers = [joblibHandler, ...FORMAT_HANDLERS];
const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const ids = async (rel: string) => (await scanBytes(fixture(rel), { path: rel, handlers, rules: [jbl002] })).findings.map((f) => f.ruleId);

describe("JBL002 side file outside the folder", () => {
  it("catches NDArrayWrapper('../jbl002_payload.pkl'), which joblib.load unpickles", async () => {
    expect(await ids("hostile/jbl002_side_file_escape.pkl")).toContain("JBL002");
  });
  it("does not fire for a side file next to the dump", async () => {
    expect(await ids("hostile/jbl001_side_file.pkl")).toEqual([]);
  });
  it("treats absolute, drive-letter, parent and computed names as escaping", () => {
    const ref = (filename: string | undefined) => ({ offset: 0, wrapper: "NDArrayWrapper" as const, filename });
    for (const f of ["/etc/passwd", "C:\\x.pkl", "a/../../b.pkl", undefined]) expect(escapesFolder(ref(f)), String(f)).toBe(true);
    for (const f of ["model.pkl_01.npy", "a..b.npy"]) expect(escapesFolder(ref(f)), f).toBe(false);
  });
});
