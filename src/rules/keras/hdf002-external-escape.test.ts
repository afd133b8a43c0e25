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
