import { describe, expect, it } from "vitest";
import { RULE_FAMILIES, rulesForFormat } from "./families.js";
import { RULES } from "./index.js";

describe("rule families (lazy loading of rules)", () => {
  it("together are RULES, in the same order: a rule missing from its family would never run", async () => {
    const loaded = (await Promise.all(RULE_FAMILIES.map((f) => f.load()))).flat();
    expect(loaded.map((r) => r.meta.id)).toEqual(RULES.map((r) => r.meta.id));
    expect(loaded).toEqual([...RULES]);
  });

  it("list exactly the formats their rules read", async () => {
    for (const family of RULE_FAMILIES) {
      const formats = new Set((await family.load()).flatMap((r) => r.meta.formats));
      expect({ family: family.name, formats: [...family.formats].sort() }).toEqual({ family: family.name, formats: [...formats].sort() });
    }
  });

  it("give each format the rules that read it, in RULES order", async () => {
    const formats = new Set(RULES.flatMap((r) => r.meta.formats));
    for (const format of formats) {
      const expected = RULES.filter((r) => r.meta.formats.includes(format)).map((r) => r.meta.id);
      expect((await rulesForFormat(format)).map((r) => r.meta.id)).toEqual(expected);
    }
    expect(await rulesForFormat("no-such-format")).toEqual([]);
  });
});
