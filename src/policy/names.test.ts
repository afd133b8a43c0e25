import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./default.js";
import { MAX_GLOBAL_NAME_BYTES, MAX_GLOBAL_NAME_DOTS, leadingSegments, overlongGlobal } from "./names.js";

describe("dotted global names", () => {
  it("leadingSegments keeps the first segments in one pass", () => {
    expect(leadingSegments("a.b.c.d", 2)).toBe("a.b");
    expect(leadingSegments("a.b", 5)).toBe("a.b");
    expect(leadingSegments("abc", 1)).toBe("abc");
  });

  it("names at the limits are classified; one past is not", () => {
    const dots = (n: number): string => `${"a.".repeat(n - 1)}system`; // module "os" adds one dot
    expect(overlongGlobal("os", dots(MAX_GLOBAL_NAME_DOTS))).toBeUndefined();
    expect(overlongGlobal("os", dots(MAX_GLOBAL_NAME_DOTS + 1))).toMatch(/maxGlobalNameDots/);
    const long = "x".repeat(MAX_GLOBAL_NAME_BYTES - 3);
    expect(overlongGlobal("os", long)).toBeUndefined();
    expect(overlongGlobal("os", `${long}x`)).toMatch(/maxGlobalNameBytes/);
  });

  it("a dotted path that reaches a denied name is dangerous at the dot limit", () => {
    const policy = defaultPolicy();
    const name = `${"a.".repeat(MAX_GLOBAL_NAME_DOTS - 3)}os.system`;
    expect(overlongGlobal("torch", name)).toBeUndefined();
    expect(policy.classifyGlobal("torch", name)).toMatchObject({ cls: "dangerous", category: "process" });
  });

  it("an over-long name is never safe, and classifying it is linear (a 12 KB and a 1 MB name)", () => {
    const policy = defaultPolicy();
    for (const size of [12 * 1024, 1024 * 1024]) {
      const name = "a.".repeat(size / 2);
      const c = policy.classifyGlobal("collections", name);
      expect(c.cls).toBe("unknown");
      expect(c.route).toMatch(/maxGlobalNameBytes/);
      expect(c.normalized.length).toBeLessThan(300);
    }
    expect(policy.classifyGlobal("collections", `${"OrderedDict.".repeat(70)}x`).cls).toBe("unknown");
  });

  it("an over-long name in a denied module is still the module's: dangerous (found by fuzzing: posix.syst…eeeThing)", () => {
    const policy = defaultPolicy();
    const c = policy.classifyGlobal("posix", `syst${"e".repeat(3000)}Thing`);
    expect(c).toMatchObject({ cls: "dangerous", category: "process" });
    expect(c.route).toMatch(/maxGlobalNameBytes/);
    expect(policy.classifyGlobal("mypkg", `x${"e".repeat(3000)}`).cls).toBe("unknown");
  });
});
