import { describe, expect, it } from "vitest";
import { RELATIVE, hits, hitsIn, renamed } from "../../test-support/hdf5-reference-cases.js";

describe("HDF001 HDF5 external reference inside the model folder", () => {
  it("catches an external link, external file storage and a virtual dataset named relative to the model", async () => {
    const found = await hitsIn(renamed(RELATIVE), "HDF001");
    expect(found.map((f) => f.message)).toEqual([
      'HDF5 external link "/model_weights/dense/leak" opens "weights/extra.h5x" (object "/x") when followed',
      'HDF5 dataset "/model_weights/dense/dense/efl:0" stores its data in external file(s) "shadow_copy"@0; reading it reads those host files',
      'HDF5 dataset "/model_weights/dense/dense/vds:0" is a virtual dataset mapped onto 1 source(s) ("data/secrets/keys.h5":data); reading it reads those files',
    ]);
    expect(await hitsIn(renamed(RELATIVE), "HDF002")).toEqual([]);
  });
  it("leaves references outside the folder to HDF002", async () => {
    expect(await hits("malicious/legacy_external_storage.h5")).toEqual([]);
  });
  it("does not fire for ordinary weights (hard links only)", async () => {
    expect(await hits("benign/legacy_dense.h5")).toEqual([]);
  });
});
