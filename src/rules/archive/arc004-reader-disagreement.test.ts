import { describe, expect, it } from "vitest";
import { expectArchiveRule } from "../../test-support/archive-rule-cases.js";
import { buildTar } from "../../test-support/tar-builder.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { arc004 } from "./arc004-reader-disagreement.js";

const PICKLE = new Uint8Array([0x80, 0x04, 0x4b, 0x01, 0x2e]);

describe("ARC004 reader disagreement", () => {
  it("catches a local/central name mismatch (CVE-2025-1944)", async () => {
    const { hits } = await expectArchiveRule(buildZip([{ name: "archive/data.pkl", localName: "archive/datap.kl", data: PICKLE }]), arc004, { present: true });
    expect(hits[0]!.location.member).toBe("archive/data.pkl");
  });

  it("catches flag bit 0x40 on a stored member (CVE-2025-1945)", async () => {
    await expectArchiveRule(buildZip([{ name: "archive/data.pkl", data: PICKLE, flags: 0x40 }]), arc004, { present: true });
  });

  it("catches duplicate names and entries hidden from the central directory", async () => {
    await expectArchiveRule(buildZip([{ name: "a", data: "1" }, { name: "a", data: "2" }]), arc004, { present: true });
    await expectArchiveRule(buildZip([{ name: "a", data: "1" }, { name: "b.pkl", data: PICKLE, inCentral: false }]), arc004, { present: true });
  });

  it("catches tar entries after the end-of-archive blocks", async () => {
    await expectArchiveRule(buildTar([{ name: "a", data: "x" }], { afterEnd: [{ name: "b.pkl", data: PICKLE }] }), arc004, { present: true });
  });

  it("does not fire for ordinary zip and tar archives", async () => {
    await expectArchiveRule(buildZip([{ name: "archive/data.pkl", data: PICKLE }, { name: "archive/version", data: "3\n", method: 8 }], { zip64: true }), arc004, { present: false });
    await expectArchiveRule(buildTar([{ name: "d/", type: "5" }, { name: "d/" + "x".repeat(150), data: "y", longName: "pax" }]), arc004, { present: false });
  });
});
