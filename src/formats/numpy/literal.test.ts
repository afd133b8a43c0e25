import { describe, expect, it } from "vitest";
import { MAX_LITERAL_DEPTH, MAX_LITERAL_ITEMS, dictGet, parsePyLiteral, renderLiteral } from "./literal.js";

describe("parsePyLiteral (numpy header dicts, never evaluated)", () => {
  it("reads the dict numpy writes, trailing comma and padding included", () => {
    const r = parsePyLiteral("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }          \n");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(dictGet(r.value, "descr")).toEqual({ kind: "str", value: "<f8" });
    expect(dictGet(r.value, "fortran_order")).toEqual({ kind: "bool", value: false });
    expect(renderLiteral(dictGet(r.value, "shape")!)).toBe("(3, 4)");
  });

  it("tells one-item tuples from parenthesised values and reads Python 2 longs", () => {
    const r = parsePyLiteral("[(3,), (3), (), (3L, 4L), None, u'x', \"y\\n\", '\\u00e9']");
    expect(r.ok && renderLiteral(r.value)).toBe("[(3,), 3, (), (3, 4), None, 'x', 'y\\n', 'é']");
  });

  it("refuses calls, names, attribute access and non-integer numbers", () => {
    for (const text of ["{'descr': print('x')}", "{'descr': os.system}", "__import__('os')", "{'shape': (1.5,)}", "{'shape': (0x10,)}", "{'a': 1e3}", "lambda: 0"]) {
      const r = parsePyLiteral(text);
      expect(r.ok, text).toBe(false);
    }
  });

  it("says where the problem is", () => {
    const r = parsePyLiteral("{'descr': '<f8', 'shape': (1, 2) 'x'}");
    expect(r).toMatchObject({ ok: false, at: 33 });
    expect(!r.ok && r.error).toMatch(/expected "," or "}"/);
  });

  it("rejects unterminated strings and bad escapes", () => {
    expect(parsePyLiteral("{'a': 'b").ok).toBe(false);
    expect(parsePyLiteral("'\\xZZ'").ok).toBe(false);
    expect(parsePyLiteral("'\\U00110000'").ok).toBe(false);
  });

  it("accepts nesting up to the limit and refuses one level more", () => {
    const nest = (n: number): string => "(".repeat(n) + "1," + "),".repeat(n - 1) + ")";
    expect(parsePyLiteral(nest(MAX_LITERAL_DEPTH)).ok).toBe(true);
    const r = parsePyLiteral(nest(MAX_LITERAL_DEPTH + 1));
    expect(!r.ok && r.error).toMatch(/deeper than/);
  });

  it("accepts containers up to the item limit and refuses one more", () => {
    const list = (n: number): string => `[${Array.from({ length: n }, () => "0").join(",")}]`;
    expect(parsePyLiteral(list(MAX_LITERAL_ITEMS)).ok).toBe(true);
    const r = parsePyLiteral(list(MAX_LITERAL_ITEMS + 1));
    expect(!r.ok && r.error).toMatch(/more than 4096 items/);
  });
});
