import { describe, expect, it } from "vitest";
import { expectArchiveRule } from "../../test-support/archive-rule-cases.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { arc007 } from "./arc007-encrypted-member.js";

describe("ARC007 encrypted member", () => {
  it("catches an encrypted member and fails closed", async () => {
    const cipher = new Uint8Array(48).map((_, i) => (i * 197 + 91) & 0xff);
    const { report } = await expectArchiveRule(buildZip([{ name: "secret.pkl", compressed: cipher, flags: 0x1 }]), arc007, { present: true });
    expect(report.errors.some((e) => e.code === "encrypted")).toBe(true);
    expect(report.verdict).not.toBe("clean");
  });

  it("catches plaintext behind the encryption flag without failing", async () => {
    const { report } = await expectArchiveRule(buildZip([{ name: "archive/data.pkl", data: new Uint8Array([0x80, 0x02, 0x4b, 0x01, 0x2e]), flags: 0x1 }]), arc007, { present: true });
    expect(report.errors).toEqual([]);
  });

  it("does not fire for plain members", async () => {
    await expectArchiveRule(buildZip([{ name: "a", data: "x", flags: 0x0800 }]), arc007, { present: false });
  });
});
