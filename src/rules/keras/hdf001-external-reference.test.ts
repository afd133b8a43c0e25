import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hdf5Handler } from "../../formats/hdf5/handler.js";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { scanBytes } from "../../test-support/scan.js";
import { RULES } from "../index.js";
import { KERAS_RULES } from "./index.js";

const FIXTURES = new URL("../../../fixtures/keras/", import.meta.url).pathname;
const options = { path: "model.h5", handlers: [...new Set([...FORMAT_HANDLERS, hdf5Handler])], rules: [...new Set([...RULES, ...KERAS_RULES])] };
const hitsIn = async (bytes: Uint8Array, id: string) => (await scanBytes(bytes, options)).findings.filter((f) => f.ruleId === id);
const hits = async (file: string, id = "HDF001") => hitsIn(new Uint8Array(readFileSync(`${FIXTURES}${file}`)), id);

/** The malicious fixture with each absolute name swapped for a same-length name (relative, or with `..`). */
function renamed(pairs: [string, string][]): Uint8Array {
  const bytes = new Uint8Array(readFileSync(`${FIXTURES}malicious/legacy_external_storage.h5`));
  for (const [from, to] of pairs) {
    expect(to.length).toBe(from.length);
    const at = Buffer.from(bytes).indexOf(from);
    expect(at).toBeGreaterThan(0);
    bytes.set(new TextEncoder().encode(to), at);
  }
  return bytes;
}
const RELATIVE: [string, string][] = [["/root/.ssh/id_rsa", "weights/extra.h5x"], ["/etc/shadow", "shadow_copy"], ["/var/secrets/keys.h5", "data/secrets/keys.h5"]];

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
