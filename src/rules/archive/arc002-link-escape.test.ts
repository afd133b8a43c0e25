import { describe, it } from "vitest";
import { expectArchiveRule } from "../../test-support/archive-rule-cases.js";
import { buildTar } from "../../test-support/tar-builder.js";
import { buildZip, unixAttr } from "../../test-support/zip-builder.js";
import { arc002 } from "./arc002-link-escape.js";

describe("ARC002 link escape", () => {
  it("catches a tar symlink to an absolute path", async () => {
    await expectArchiveRule(buildTar([{ name: "model/cache", type: "2", linkName: "/home/u/.ssh" }]), arc002, { present: true });
  });

  it("catches a tar hardlink climbing out of the root", async () => {
    await expectArchiveRule(buildTar([{ name: "model/w.bin", type: "1", linkName: "../../etc/passwd" }]), arc002, { present: true });
  });

  it("catches a zip symlink entry whose target climbs out", async () => {
    await expectArchiveRule(buildZip([{ name: "a/link", data: "../../../etc", externalAttr: unixAttr(0o120777) }]), arc002, { present: true });
  });

  it("catches a symlink chained through another symlink", async () => {
    const tar = buildTar([
      { name: "a", type: "2", linkName: "." },
      { name: "b", type: "2", linkName: "a/sub" },
    ]);
    await expectArchiveRule(tar, arc002, { present: true });
  });

  it("does not fire for links that stay inside the archive", async () => {
    const tar = buildTar([
      { name: "model/v1/w.bin", data: "x" },
      { name: "model/latest", type: "2", linkName: "v1/w.bin" },
      { name: "model/copy", type: "1", linkName: "model/v1/w.bin" },
    ]);
    await expectArchiveRule(tar, arc002, { present: false });
  });
});
