import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { readZip } from "../zip/index.js";
import { detectNpz } from "./npz.js";

const NPY = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

describe("detectNpz", () => {
  it("recognises a zip of .npy members, stored or deflated", async () => {
    const zip = buildZip([{ name: "a.npy", data: NPY }, { name: "b.npy", data: NPY, method: 8 }]);
    const r = await readZip(new MemorySource(zip), testScanContext());
    expect(detectNpz(r.document)).toEqual({ format: "npz", arrays: ["a", "b"], compressed: 1 });
  });

  it("does not call a zip with other members an npz", async () => {
    const zip = buildZip([{ name: "a.npy", data: NPY }, { name: "readme.txt", data: "x" }]);
    expect(detectNpz((await readZip(new MemorySource(zip), testScanContext())).document)).toBeUndefined();
  });
});
