import { describe, it } from "vitest";
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

  it("does not fire for a correct CRC or for CRC 0 (not recorded)", async () => {
    await expectArchiveRule(buildZip([{ name: "a", data: "payload" }, { name: "b", data: "payload", crc: 0 }]), arc005, { present: false });
  });
});
