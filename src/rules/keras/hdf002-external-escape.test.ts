import { describe, expect, it } from "vitest";
import { RELATIVE, hits, hitsIn, renamed } from "../../test-support/hdf5-reference-cases.js";

describe("HDF002 HDF5 external reference outside the model folder (CVE-2026-1669)", () => {
  it("catches absolute names in an external link, external storage and a virtual dataset", async () => {
    const found = await hits("malicious/legacy_external_storage.h5", "HDF002");
    expect(found.map((f) => [f.severity, f.evidence])).toEqual([
      ["high", "/model_weights/dense/leak -> /root/.ssh/id_rsa:/x"],
      ["high", '"/etc/shadow"@0'],
      ["high", '"/var/secrets/keys.h5":data'],
    ]);
  });
  it("catches names that climb out with ..", async () => {
    const found = await hitsIn(renamed([["/root/.ssh/id_rsa", "../../.ssh/id_rsa"], ["/etc/shadow", "a/../../etc"]]), "HDF002");
    expect(found).toHaveLength(3);
  });
  it("does not fire for ordinary weights or names inside the folder", async () => {
    expect(await hits("benign/legacy_dense.h5", "HDF002")).toEqual([]);
    expect(await hitsIn(renamed(RELATIVE), "HDF002")).toEqual([]);
  });
});
