import { gzipSync, zlibSync } from "fflate";
import { describe, expect, it } from "vitest";
import { expectArchiveRule } from "../../test-support/archive-rule-cases.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { arc005 } from "./arc005-crc-mismatch.js";

describe("ARC005 CRC mismatch", () => {
  it("catches a stored member with a wrong CRC (CVE-2025-10156)", async () => {
    await expectArchiveRule(buildZip([{ name: "archive/data.pkl", data: "payload", crc: 0x12345678 }]), arc005, { present: true });
  });

  it("catches a deflated member with a wrong CRC", async () => {
    await expectArchiveRule(buildZip([{ name: "w", data: "payload".repeat(10), method: 8, crc: 1 }]), arc005, { present: true });
  });

  it("catches a gzip member whose CRC-32 or ISIZE trailer is wrong, in any member of a concatenation", async () => {
    const pickle = new TextEncoder().encode("cos\nsystem\n(S'id'\ntR.");
    const bad = gzipSync(pickle);
    bad[bad.length - 8] = bad[bad.length - 8]! ^ 1; // CRC-32
    const { hits } = await expectArchiveRule(bad, arc005, { present: true, path: "model.pkl.gz" });
    expect(hits[0]?.message).toContain("gzip CRC-32");
    const first = gzipSync(new TextEncoder().encode("first member"));
    first[first.length - 4] = 99; // ISIZE of the first of two members
    await expectArchiveRule(new Uint8Array([...first, ...gzipSync(pickle)]), arc005, { present: true, path: "model.pkl.gz" });
  });

  it("catches a zlib stream whose Adler-32 is wrong", async () => {
    const z = zlibSync(new TextEncoder().encode("weights ".repeat(50)));
    z[z.length - 1] = z[z.length - 1]! ^ 0xff;
    await expectArchiveRule(z, arc005, { present: true, path: "w.joblib" });
  });

  it("catches an LZ4 frame whose content checksum (xxHash32) is wrong, not an intact one", async () => {
    // `lz4 evil.pkl` (lz4 1.9): FLG 0x64, content checksum on.
    const frame = Uint8Array.from(Buffer.from("04224d186440a715000080636f730a73797374656d0a2853276964270a74522e0000000078565c4c", "hex"));
    await expectArchiveRule(frame, arc005, { present: false, path: "evil.pkl.lz4" });
    const bad = frame.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x10;
    const { hits } = await expectArchiveRule(bad, arc005, { present: true, path: "evil.pkl.lz4" });
    expect(hits[0]?.message).toContain("LZ4 content checksum");
  });

  it("does not fire for intact gzip (two members) and zlib streams", async () => {
    const two = new Uint8Array([...gzipSync(new TextEncoder().encode("a".repeat(100))), ...gzipSync(new TextEncoder().encode("b".repeat(70)))]);
    await expectArchiveRule(two, arc005, { present: false, path: "x.gz" });
    await expectArchiveRule(zlibSync(new TextEncoder().encode("weights ".repeat(50))), arc005, { present: false, path: "w.joblib" });
  });

  it("does not fire for a correct CRC or for CRC 0 (not recorded)", async () => {
    await expectArchiveRule(buildZip([{ name: "a", data: "payload" }, { name: "b", data: "payload", crc: 0 }]), arc005, { present: false });
  });
});
