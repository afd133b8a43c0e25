import { gzipSync } from "fflate";
import { describe, it } from "vitest";
import { expectArchiveRule } from "../../test-support/archive-rule-cases.js";
import { buildTar } from "../../test-support/tar-builder.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { arc006 } from "./arc006-polyglot-data.js";

describe("ARC006 data around the archive", () => {
  it("catches a script prepended to a zip", async () => {
    await expectArchiveRule(buildZip([{ name: "a", data: "x" }], { prepend: "#!/bin/sh\nrm -rf ~\nexit\n" }), arc006, { present: true });
  });

  it("catches data appended after a zip, a tar and a gzip stream", async () => {
    await expectArchiveRule(buildZip([{ name: "a", data: "x" }], { append: "trailing payload" }), arc006, { present: true });
    await expectArchiveRule(buildTar([{ name: "a", data: "x" }], { append: "trailing payload" }), arc006, { present: true });
    await expectArchiveRule(new Uint8Array([...gzipSync(new Uint8Array([1, 2, 3])), ...new TextEncoder().encode("trailing")]), arc006, { present: true, path: "a.gz" });
  });

  it("does not fire for a zip comment or tar zero padding", async () => {
    await expectArchiveRule(buildZip([{ name: "a", data: "x" }], { comment: "made by torch" }), arc006, { present: false });
    await expectArchiveRule(buildTar([{ name: "a", data: "x" }], { append: new Uint8Array(9216) }), arc006, { present: false });
  });
});
