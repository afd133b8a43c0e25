import { describe, expect, it } from "vitest";
import { guard } from "./jsfive-bridge.js";

describe("guard: calls into jsfive come back as values", () => {
  it("captures what jsfive would print about a value it could not read, and restores console.warn", () => {
    const before = console.warn;
    const result = guard(() => {
      console.warn("Attribute model_config type not implemented, set to null.");
      return 1;
    });
    expect(result).toEqual({ ok: true, value: 1, warnings: ["Attribute model_config type not implemented, set to null."] });
    expect(console.warn).toBe(before);
  });

  it("near-miss: a call that prints nothing has no warnings; a throw is an error value", () => {
    expect(guard(() => 2)).toEqual({ ok: true, value: 2, warnings: [] });
    expect(guard(() => {
      throw new Error("bad header");
    })).toEqual({ ok: false, error: "bad header" });
  });
});
