/**
 * Values of the protocol-0/1 text arguments, as CPython 3.11's `pickle.loads` gives them (each
 * expected value was read from CPython; fixtures/pickle-diff covers acceptance on many more forms).
 */
import { describe, expect, it } from "vitest";
import { parseFloatArg, parseGlobalLine, parseIntArg, parseLongArg, parseMemoKey, parseStringArg, parseUnicodeArg } from "./text-args.js";

const b = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const value = <T>(r: { ok: true; value: T } | { ok: false; why: string }): T | string => (r.ok ? r.value : `error: ${r.why}`);

describe("INT", () => {
  it.each([
    ["0x10", 16],
    ["1_000", 1000],
    ["010", 8], // strtol reads C octal before PyLong_FromString is tried
    ["0o17", 15],
    ["01", true],
    ["+1", true],
    [" 0", false],
    ["\x00", 0],
    ["1\x00zz", 1],
    ["99999999999999999999", 99999999999999999999n],
  ] as const)("%j is %s", (line, expected) => expect(value(parseIntArg(b(line)))).toBe(expected));
  it.each(["", "0x", "1__0", "_1", "1_", "08", "01\r", "1e3", "+", "0b2"])("%j raises", (line) => expect(value(parseIntArg(b(line)))).toMatch(/^error/));
});

describe("LONG, FLOAT, memo keys", () => {
  it("LONG drops one trailing L", () => {
    expect(value(parseLongArg(b("1_0L")))).toBe(10);
    expect(value(parseLongArg(b(" 5 L")))).toBe(5);
    expect(value(parseLongArg(b("1LL")))).toMatch(/^error/);
  });
  it("FLOAT takes inf/nan in any case, stops at a NUL, refuses whitespace and overflow", () => {
    expect(value(parseFloatArg(b("inf")))).toBe(Infinity);
    expect(value(parseFloatArg(b("-Infinity")))).toBe(-Infinity);
    expect(value(parseFloatArg(b("nAn")))).toBeNaN();
    expect(value(parseFloatArg(b("1e5")))).toBe(100000);
    expect(value(parseFloatArg(b("1.5\x00x")))).toBe(1.5);
    for (const bad of [" 1.0", "1.0 ", "1_0", "1e400", "infx", "0x1p3", "."]) expect(value(parseFloatArg(b(bad)))).toMatch(/^error/);
  });
  it("memo keys are base 10 with underscores", () => {
    expect(value(parseMemoKey(b("0_0")))).toBe(0);
    expect(value(parseMemoKey(b("010")))).toBe(10);
    expect(value(parseMemoKey(b("-1")))).toMatch(/^error/);
  });
});

describe("STRING and UNICODE", () => {
  it("STRING decodes Python escapes and keeps unknown ones", () => {
    expect(value(parseStringArg(b("'\\x41'")))).toBe("A");
    expect(value(parseStringArg(b("'\\101\\q'")))).toBe("A\\q");
    for (const bad of ["'abc\\'", "'\\x4'", "'abc\"", "abc", "'"]) expect(value(parseStringArg(b(bad)))).toMatch(/^error/);
  });
  it("UNICODE is raw-unicode-escape: only an odd run of backslashes escapes", () => {
    expect(value(parseUnicodeArg(b("\\\\u0041")))).toBe("\\\\u0041");
    expect(value(parseUnicodeArg(b("\\u0041\\U0001F600")))).toBe("A\u{1F600}");
    for (const bad of ["\\u004", "\\U00110000", "\\u"]) expect(value(parseUnicodeArg(b(bad)))).toMatch(/^error/);
  });
});

describe("GLOBAL lines", () => {
  it("reads ASCII names as they are, on the fast path and past it", () => {
    expect(value(parseGlobalLine(b("torch._utils")))).toBe("torch._utils");
    const long = "m".repeat(300);
    expect(value(parseGlobalLine(b(long)))).toBe(long);
  });

  it("decodes UTF-8 names and refuses what is not UTF-8 or empty", () => {
    expect(value(parseGlobalLine(new TextEncoder().encode("modèle")))).toBe("modèle");
    expect(value(parseGlobalLine(Uint8Array.of(0x6d, 0xff)))).toMatch(/^error: not UTF-8/);
    expect(value(parseGlobalLine(new Uint8Array(0)))).toMatch(/^error: empty/);
  });
});
