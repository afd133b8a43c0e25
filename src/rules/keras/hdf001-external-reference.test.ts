import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hdf5Handler } from "../../formats/hdf5/handler.js";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { RULES } from "../index.js";
import { KERAS_RULES } from "./index.js";

const FIXTURES = new URL("../../../fixtures/keras/", import.meta.url).pathname;
const options = { path: "model.h5", handlers: [...new Set([...FORMAT_HANDLERS, hdf5Handler])], rules: [...new Set([...RULES, ...KERAS_RULES])] };
const hits = async (file: string) => (await scanBytes(readFileSync(`${FIXTURES}${file}`), options)).findings.filter((f) => f.ruleId === "HDF001");

describe("HDF001 HDF5 external reference", () => {
  it("catches an external link, external file storage and a virtual dataset (CVE-2026-1669)", async () => {
    const found = await hits("malicious/legacy_external_storage.h5");
    expect(found.map((f) => f.message)).toEqual([
      'HDF5 external link "/model_weights/dense/leak" opens "/root/.ssh/id_rsa" (object "/x") when followed',
      'HDF5 dataset "/model_weights/dense/dense/efl:0" stores its data in external file(s) "/etc/shadow"@0; reading it reads those host files',
      'HDF5 dataset "/model_weights/dense/dense/vds:0" is a virtual dataset mapped onto 1 source(s) ("/var/secrets/keys.h5":data); reading it reads those files',
    ]);
  });
  it("does not fire for ordinary weights (hard links only)", async () => {
    expect(await hits("benign/legacy_dense.h5")).toEqual([]);
  });
});
