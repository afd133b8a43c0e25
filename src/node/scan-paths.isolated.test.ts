import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { defaultPolicy } from "../policy/default.js";
import { scanPaths } from "./scan-paths.js";

// The engine throws for one file name, as a bug in it would: the other files must keep their verdicts.
vi.mock("../engine/scan.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../engine/scan.js")>();
  const scanSource: typeof actual.scanSource = async (source, options) => {
    if (options.path.endsWith("boom.pkl")) throw new TypeError("Cannot read properties of undefined (reading 'x')");
    return actual.scanSource(source, options);
  };
  return { ...actual, scanSource };
});

const dir = mkdtempSync(join(tmpdir(), "modelvet-scan-paths-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "models"));
writeFileSync(join(dir, "models", "a-evil.pkl"), "cos\nsystem\n(S'echo hi'\ntR.");
writeFileSync(join(dir, "models", "boom.pkl"), "(lp0\nI1\na.");
writeFileSync(join(dir, "models", "c-benign.pkl"), "(lp0\nI1\na.");

describe("scanPaths: one file's failure stays with that file", () => {
  it("reports an engine exception as that file's error and keeps the other verdicts", async () => {
    const report = await scanPaths([join(dir, "models")], { policy: defaultPolicy() });
    expect(report.files.map((f) => [f.path.split("/").pop(), f.verdict])).toEqual([
      ["a-evil.pkl", "unsafe"],
      ["boom.pkl", "error"],
      ["c-benign.pkl", "clean"],
    ]);
    expect(report.files[1]?.errors).toEqual([{ code: "internal-error", message: "Scanner failed: Cannot read properties of undefined (reading 'x')", location: {} }]);
    expect(report.summary).toMatchObject({ files: 3, unsafe: 1, error: 1, clean: 1 });
  });

  it("near miss: the same folder without the failing file has no error", async () => {
    const report = await scanPaths([join(dir, "models", "a-evil.pkl"), join(dir, "models", "c-benign.pkl")], { policy: defaultPolicy() });
    expect(report.files.map((f) => f.verdict)).toEqual(["unsafe", "clean"]);
  });
});
