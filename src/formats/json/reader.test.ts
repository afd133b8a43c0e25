import { describe, expect, it } from "vitest";
import { lookup } from "../hf-config/config-tree.js";
import { parseJson, PYTHON_INT_MAX_DIGITS, PYTHON_JSON, type JsonOptions } from "./reader.js";
import { toPlain } from "./plain.js";

const OPTS: JsonOptions = { maxDepth: 8, maxNodes: 100 };
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("parseJson", () => {
  it("parses every JSON value kind and keeps numbers as written", () => {
    const r = parseJson(enc(' {"a": [1, -2.5e3, true, false, null, "x\\u00e9\\ud83d\\ude00"], "big": 18446744073709551615, "e": {}, "l": []} '), OPTS);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const a = lookup(r.value, "a");
    expect(a?.kind === "list" && a.items.map((n) => (n.kind === "number" ? n.raw : n.kind === "string" ? n.value : n.kind))).toEqual(["1", "-2.5e3", "bool", "bool", "null", "xé😀"]);
    const big = lookup(r.value, "big");
    expect(big?.kind === "number" && big.raw).toBe("18446744073709551615");
    expect(r.loneSurrogates).toBe(0);
  });

  it("reports every duplicate key with its map path and byte offset", () => {
    const r = parseJson(enc('{"a":1,"m":{"k":1,"k":2},"a":3}'), { ...OPTS, baseOffset: 8 });
    expect(r.ok && r.duplicates).toEqual([
      { path: "m", key: "k", offset: 8 + 18 },
      { path: "", key: "a", offset: 8 + 25 },
    ]);
    expect(r.ok && lookup(r.value, "a")).toMatchObject({ kind: "number", raw: "3" });
  });

  it("counts unpaired surrogate escapes", () => {
    const r = parseJson(enc('["\\ud800", "\\udc00x"]'), OPTS);
    expect(r.ok && r.loneSurrogates).toBe(2);
  });

  it("accepts NaN and Infinity only when asked (Python json writes them)", () => {
    expect(parseJson(enc("[NaN, -Infinity]"), OPTS).ok).toBe(false);
    expect(parseJson(enc("[NaN, Infinity, -Infinity]"), { ...OPTS, allowNonFinite: true }).ok).toBe(true);
  });

  it.each([
    ['{"a":1,}', "syntax"],
    ["[1 2]", "syntax"],
    ['{"a":1} x', "syntax"],
    ['"tab\there"', "syntax"],
    ["01", "syntax"],
    ['"\\q"', "syntax"],
    ["", "syntax"],
  ])("rejects %j", (text, code) => {
    const r = parseJson(enc(text), OPTS);
    expect(r.ok ? "ok" : r.code).toBe(code);
  });

  it("rejects invalid UTF-8 inside strings", () => {
    const r = parseJson(new Uint8Array([0x22, 0xc3, 0x28, 0x22]), OPTS);
    expect(r.ok ? "ok" : r.code).toBe("utf8");
  });

  it("stops at the depth limit and one past it", () => {
    expect(parseJson(enc("[".repeat(8) + "]".repeat(8)), OPTS).ok).toBe(true);
    const r = parseJson(enc("[".repeat(9) + "]".repeat(9)), OPTS);
    expect(r.ok ? "ok" : r.code).toBe("depth");
  });

  it("stops at the node limit and one past it", () => {
    const list = (n: number): Uint8Array => enc(`[${Array(n).fill(0).join(",")}]`);
    expect(parseJson(list(99), OPTS).ok).toBe(true);
    const r = parseJson(list(100), OPTS);
    expect(r.ok ? "ok" : r.code).toBe("nodes");
  });

  it("parses a 100 000-deep input without recursion when the limit allows it", () => {
    const depth = 100_000;
    const r = parseJson(enc("[".repeat(depth) + "]".repeat(depth)), { maxDepth: depth, maxNodes: depth + 1 });
    expect(r.ok).toBe(true);
  });

  it("skips a leading byte-order mark only when asked, and keeps U+FEFF inside strings", () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc('["\ufeff", "﻿x"]')]);
    expect(parseJson(bom, OPTS).ok).toBe(false);
    const r = parseJson(bom, { ...OPTS, ...PYTHON_JSON });
    expect(r.ok && toPlain(r.value)).toEqual(["\uFEFF", "\uFEFFx"]);
  });

  it("rejects integers past CPython's digit limit, at the limit and one past it", () => {
    const opts = { ...OPTS, ...PYTHON_JSON };
    expect(parseJson(enc("-" + "9".repeat(PYTHON_INT_MAX_DIGITS)), opts).ok).toBe(true);
    expect(parseJson(enc("9".repeat(PYTHON_INT_MAX_DIGITS + 1)), opts).ok).toBe(false);
    expect(parseJson(enc("9".repeat(PYTHON_INT_MAX_DIGITS + 1) + ".5"), opts).ok).toBe(true);
  });

  it("builds Python's value: last duplicate wins in the first position, __proto__ is a plain key", () => {
    const r = parseJson(enc('{"a":1,"b":2,"a":3,"__proto__":{"x":NaN}}'), { ...OPTS, ...PYTHON_JSON });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const plain = toPlain(r.value) as Record<string, unknown>;
    expect(Object.keys(plain)).toEqual(["a", "b", "__proto__"]);
    expect(plain["a"]).toBe(3);
    expect(Number.isNaN((plain["__proto__"] as Record<string, number>)["x"])).toBe(true);
    expect(({} as Record<string, unknown>)["x"]).toBeUndefined();
  });
});
