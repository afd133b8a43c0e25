import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_DATA } from "./default.js";
import { createPolicy, PolicyError } from "./policy.js";

const policy = createPolicy([DEFAULT_POLICY_DATA]);

describe("default policy: exact names, no namespaces", () => {
  it("refuses a namespace in an allowlist (allow names, not places)", () => {
    expect(() => createPolicy([DEFAULT_POLICY_DATA, { version: 1, globals: { ml: ["sklearn.*"] } }])).toThrow(PolicyError);
    expect(() => createPolicy([DEFAULT_POLICY_DATA, { version: 1, globals: { safe: ["numpy.*"] } }])).toThrow(/namespace/);
  });
  it("has no namespace entry left in safe or ml", () => {
    const globals = DEFAULT_POLICY_DATA.globals ?? {};
    expect([...(globals.safe ?? []), ...(globals.ml ?? [])].filter((n) => n.includes("*"))).toEqual([]);
  });
  it("records where every allowlist entry was seen", () => {
    const seen = (DEFAULT_POLICY_DATA.notes as { seenIn: Record<string, string> }).seenIn;
    for (const name of [...(DEFAULT_POLICY_DATA.globals?.safe ?? []), ...(DEFAULT_POLICY_DATA.globals?.ml ?? [])]) expect(seen[name], name).toBeTypeOf("string");
  });
  it("denies typing._eval_type and leaves other typing names unknown, not ML", () => {
    expect(policy.classifyGlobal("typing", "_eval_type").cls).toBe("dangerous");
    expect(policy.classifyGlobal("typing", "get_type_hints").cls).toBe("dangerous");
    expect(policy.classifyGlobal("typing", "Any").cls).toBe("unknown");
  });
  it("no longer treats numpy, sklearn, pandas.core, collections, enum, xgboost, omegaconf namespaces as ML", () => {
    for (const [m, n] of [["numpy", "memmap"], ["sklearn.utils", "_joblib"], ["pandas.core.frame", "DataFrame.to_csv"], ["collections", "UserString"], ["enum", "EnumMeta"], ["xgboost.core", "_load_lib"], ["omegaconf.omegaconf", "OmegaConf.load"]]) {
      expect(policy.classifyGlobal(m as string, n as string).cls, `${m}.${n}`).not.toBe("ml");
    }
    expect(policy.newActsOnArguments("numpy.memmap")).toBe(true);
  });
  it("allows exactly the names seen in real artefacts", () => {
    expect(policy.classifyGlobal("pandas.core.indexes.base", "_new_Index").cls).toBe("ml");
    expect(policy.classifyGlobal("zoneinfo", "ZoneInfo._unpickle").cls).toBe("safe");
    expect(policy.classifyGlobal("zoneinfo", "ZoneInfo.from_file").cls).toBe("unknown");
    expect(policy.classifyGlobal("operator", "or_").cls).toBe("safe");
    expect(policy.classifyGlobal("operator", "methodcaller").cls).toBe("dangerous");
  });
});
