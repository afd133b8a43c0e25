import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { hdf5Handler } from "../formats/hdf5/handler.js";
import { FORMAT_HANDLERS } from "../formats/index.js";
import { RULES } from "../rules/index.js";
import { KERAS_RULES } from "../rules/keras/index.js";
import { scanBytes } from "./scan.js";

/** Shared by the HDF001 and HDF002 tests: the Keras fixtures and the scan that reaches HDF5 rules. */
const FIXTURES = new URL("../../fixtures/keras/", import.meta.url).pathname;
const options = { path: "model.h5", handlers: [...new Set([...FORMAT_HANDLERS, hdf5Handler])], rules: [...new Set([...RULES, ...KERAS_RULES])] };

export const hitsIn = async (bytes: Uint8Array, id: string) => (await scanBytes(bytes, options)).findings.filter((f) => f.ruleId === id);
export const hits = async (file: string, id = "HDF001") => hitsIn(new Uint8Array(readFileSync(`${FIXTURES}${file}`)), id);

/** The malicious fixture with each absolute name swapped for a same-length name (relative, or with `..`). */
export function renamed(pairs: [string, string][]): Uint8Array {
  const bytes = new Uint8Array(readFileSync(`${FIXTURES}malicious/legacy_external_storage.h5`));
  for (const [from, to] of pairs) {
    expect(to.length).toBe(from.length);
    const at = Buffer.from(bytes).indexOf(from);
    expect(at).toBeGreaterThan(0);
    bytes.set(new TextEncoder().encode(to), at);
  }
  return bytes;
}

export const RELATIVE: [string, string][] = [["/root/.ssh/id_rsa", "weights/extra.h5x"], ["/etc/shadow", "shadow_copy"], ["/var/secrets/keys.h5", "data/secrets/keys.h5"]];
