import { deflateSync, gzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { expectArchiveRule } from "../../test-support/archive-rule-cases.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { arc003 } from "./arc003-decompression-bomb.js";

describe("ARC003 decompression bomb", () => {
  const zeros = new Uint8Array(40 * 1024 * 1024);

  it("catches a zip member that declares a 1000:1 expansion, and fails closed", async () => {
    const zip = buildZip([{ name: "bomb.bin", method: 8, compressed: deflateSync(zeros), uncompressedSize: zeros.length }]);
    const { report, hits } = await expectArchiveRule(zip, arc003, { present: true });
    expect(hits[0]!.location.member).toBe("bomb.bin");
    expect(report.verdict).not.toBe("clean");
  });

  it("catches a gzip stream that expands past the ratio cap", async () => {
    await expectArchiveRule(gzipSync(zeros), arc003, { present: true, path: "w.bin.gz" });
  });

  it("catches a nested zip bomb (zip in zip)", async () => {
    const inner = buildZip([{ name: "z", method: 8, compressed: deflateSync(zeros), uncompressedSize: zeros.length }]);
    await expectArchiveRule(buildZip([{ name: "inner.zip", data: inner }]), arc003, { present: true });
  });

  it("does not fire for a compressible file under the floor", async () => {
    await expectArchiveRule(buildZip([{ name: "zeros.bin", data: new Uint8Array(512 * 1024), method: 8 }]), arc003, { present: false });
  });
});
