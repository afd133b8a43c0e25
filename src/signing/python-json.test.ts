import { describe, expect, it } from "vitest";
import { pythonJsonDumps } from "./python-json.js";

describe("pythonJsonDumps (json.dumps(indent=2), ensure_ascii)", () => {
  it("indents like Python, empty containers inline", () => {
    expect(pythonJsonDumps({ a: [1, true, null], b: {}, c: [] })).toBe('{\n  "a": [\n    1,\n    true,\n    null\n  ],\n  "b": {},\n  "c": []\n}');
  });
  it("escapes non-ASCII and control characters as \\uXXXX, lower-case", () => {
    expect(pythonJsonDumps("é\u007f\u0001\n\"\\😀")).toBe('"\\u00e9\\u007f\\u0001\\n\\"\\\\\\ud83d\\ude00"');
  });
  it("refuses non-integer numbers (none occur in a manifest)", () => {
    expect(() => pythonJsonDumps(1.5)).toThrow(RangeError);
  });
});
