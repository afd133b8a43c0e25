import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expectFixture, type FixtureEntry } from "../../test-support/safetensors-builder.js";

const base = new URL("../../../fixtures/safetensors/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(`${base}manifest.json`, "utf8")) as FixtureEntry[];

describe("safetensors fixtures (fixtures/generate/gen_safetensors.py)", () => {
  it("has a manifest", () => expect(manifest.length).toBeGreaterThanOrEqual(15));
  for (const entry of manifest) {
    it(`${entry.file} is ${entry.verdict}${entry.rules.length ? ` with ${entry.rules.join(", ")}` : ""}`, async () => {
      await expectFixture(readFileSync(base + entry.file), entry);
    });
  }
});
