import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expectFixture, type FixtureEntry } from "../../test-support/safetensors-builder.js";

const base = new URL("../../../fixtures/jinja/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(`${base}manifest.json`, "utf8")) as FixtureEntry[];

describe("chat-template fixtures (fixtures/generate/gen_jinja.py)", () => {
  it("has benign templates from six model families and the published payloads", () => expect(manifest.length).toBeGreaterThanOrEqual(15));
  for (const entry of manifest) {
    it(`${entry.file} is ${entry.verdict}${entry.rules.length ? ` with ${entry.rules.join(", ")}` : ""}`, async () => {
      await expectFixture(readFileSync(base + entry.file), entry);
    });
  }
});
