import { copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultPolicy } from "../policy/default.js";
import type { OnnxDocument } from "../formats/onnx/types.js";
import { checkOnnxExternalFiles, ExternalFilesLimitError, MAX_EXTERNAL_FILES } from "./onnx-external.js";
import { scanPaths } from "./scan-paths.js";

const FIXTURES = new URL("../../fixtures/onnx/benign/", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "modelvet-onnx-ext-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A model folder holding the real external-data fixture, with its weights file made by `place`. */
function folder(name: string, place: (weights: string) => void): string {
  const dir = join(tmp, name, "model");
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(FIXTURES, "external_data.onnx"), join(dir, "external_data.onnx"));
  place(join(dir, "external_data.weights"));
  return dir;
}

async function onnxFindings(dir: string): Promise<string[]> {
  const report = await scanPaths([dir], { policy: defaultPolicy() });
  const model = report.files.find((f) => f.path.endsWith("external_data.onnx"));
  return (model?.findings ?? []).map((f) => f.ruleId);
}

describe("ONNX external data files in a scanned folder (ONNX004)", () => {
  it("passes a model whose external data is a plain file beside it", async () => {
    const dir = folder("plain", (weights) => copyFileSync(join(FIXTURES, "external_data.weights"), weights));
    expect(await onnxFindings(dir)).not.toContain("ONNX004");
  });
  it("reports external data that is a symlink out of the folder", async () => {
    const secret = join(tmp, "secret.txt");
    writeFileSync(secret, "not weights\n");
    const dir = folder("symlink", (weights) => symlinkSync(secret, weights));
    expect(await onnxFindings(dir)).toContain("ONNX004");
  });
  it("reports external data that is a hard link shared with another file", async () => {
    const other = join(tmp, "other.bin");
    copyFileSync(join(FIXTURES, "external_data.weights"), other);
    const dir = folder("hardlink", (weights) => linkSync(other, weights));
    expect(await onnxFindings(dir)).toContain("ONNX004");
  });
});

describe("the external-file limit speaks", () => {
  const doc = (files: number): OnnxDocument =>
    ({
      externalData: Array.from({ length: files }, (_, i) => ({
        tensor: `t${i}`,
        location: { raw: `w${i}.bin`, normalized: `w${i}.bin`, issues: [], escapes: false },
      })),
    }) as unknown as OnnxDocument;
  const model = { absolute: join(tmp, "limit", "model.onnx"), shown: "model.onnx" };

  // The limit is lowered for the test; the default is MAX_EXTERNAL_FILES.
  const options = { root: join(tmp, "limit"), maxFiles: 5 };

  it("checks exactly the limit's number of files (near miss)", async () => {
    expect(MAX_EXTERNAL_FILES).toBe(10_000);
    expect(await checkOnnxExternalFiles(model, doc(5), options)).toEqual([]);
  });

  it("fails one past it instead of dropping the rest", async () => {
    await expect(checkOnnxExternalFiles(model, doc(6), options)).rejects.toThrow("More than 5 external data files; the rest were not checked");
    await expect(checkOnnxExternalFiles(model, doc(6), options)).rejects.toBeInstanceOf(ExternalFilesLimitError);
  });
});
