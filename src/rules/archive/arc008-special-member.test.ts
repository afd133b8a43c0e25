import { describe, expect, it } from "vitest";
import { expectArchiveRule } from "../../test-support/archive-rule-cases.js";
import { buildTar } from "../../test-support/tar-builder.js";
import { buildZip, unixAttr } from "../../test-support/zip-builder.js";
import { arc008 } from "./arc008-special-member.js";

describe("ARC008 special members", () => {
  it("catches device nodes in a tar, at high severity", async () => {
    const { hits } = await expectArchiveRule(buildTar([{ name: "dev/sda", type: "4" }]), arc008, { present: true });
    expect(hits[0]?.severity).toBe("high");
    await expectArchiveRule(buildTar([{ name: "dev/tty", type: "3" }]), arc008, { present: true });
  });

  it("catches setuid and setgid files in tar and zip", async () => {
    await expectArchiveRule(buildTar([{ name: "bin/helper", data: "x", mode: 0o4755 }]), arc008, { present: true });
    await expectArchiveRule(buildZip([{ name: "helper", data: "x", externalAttr: unixAttr(0o102755) }]), arc008, { present: true });
  });

  it("does not fire for ordinary modes, executables and sticky folders", async () => {
    await expectArchiveRule(buildTar([{ name: "run.sh", data: "x", mode: 0o755 }, { name: "tmp/", type: "5", mode: 0o1777 }]), arc008, { present: false });
    await expectArchiveRule(buildZip([{ name: "w", data: "x", externalAttr: unixAttr(0o100644) }]), arc008, { present: false });
  });
});
