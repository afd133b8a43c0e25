import { describe, it } from "vitest";
import { expectArchiveRule } from "../../test-support/archive-rule-cases.js";
import { buildTar } from "../../test-support/tar-builder.js";
import { buildZip, unixAttr } from "../../test-support/zip-builder.js";
import { arc008 } from "./arc008-special-member.js";
import { arc009 } from "./arc009-fifo-member.js";

describe("ARC009 FIFO members", () => {
  it("catches a FIFO in a tar and in a zip with Unix modes, and leaves it to ARC009 alone", async () => {
    await expectArchiveRule(buildTar([{ name: "pipe", type: "6" }]), arc009, { present: true });
    await expectArchiveRule(buildTar([{ name: "pipe", type: "6" }]), arc008, { present: false });
    await expectArchiveRule(buildZip([{ name: "pipe", data: "", externalAttr: unixAttr(0o010644) }]), arc009, { present: true });
  });

  it("does not fire for files, folders, links and devices", async () => {
    await expectArchiveRule(buildTar([{ name: "w.bin", data: "x" }, { name: "d/", type: "5" }, { name: "l", type: "2", linkName: "w.bin" }, { name: "dev/sda", type: "4" }]), arc009, { present: false });
  });
});
