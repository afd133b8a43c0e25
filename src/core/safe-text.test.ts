import { describe, expect, it } from "vitest";
import { safeLine, safeText } from "./safe-text.js";

describe("safeText and safeLine", () => {
  it("leave ordinary text, non-ASCII and emoji unchanged", () => {
    const text = "modèle/数据.pkl — ok 🙂 naïve";
    expect(safeText(text)).toBe(text);
    expect(safeLine(text)).toBe(text);
  });

  it("escape U+2028 and U+2029, which JSON.stringify leaves raw", () => {
    expect(JSON.stringify("a\u2028b\u2029c")).toBe('"a\u2028b\u2029c"');
    expect(safeText("a\u2028b\u2029c")).toBe("a\\u2028b\\u2029c");
    expect(safeLine("a\u2028b\u2029c")).toBe("a\\u2028b\\u2029c");
  });

  it("escape C0, DEL and C1 controls (NEL included)", () => {
    expect(safeText("\u0000\u001b[2K\u007f\u0085\u009b")).toBe("\\x00\\x1b[2K\\x7f\\x85\\x9b");
  });

  it("escape every bidi control: marks, embeddings, overrides, isolates, the Arabic letter mark", () => {
    const bidi = ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"];
    for (const ch of bidi) expect(safeText(`x${ch}y`)).toMatch(/^x\\u[0-9a-f]{4}y$/);
  });

  it("escape invisible characters: zero-width, word joiner, BOM, fillers, variation selectors, tag characters", () => {
    const invisible = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u115f", "\u3164", "\uffa0", "\ufe0f", "\u{e0100}", "\u{e0041}"];
    for (const ch of invisible) expect(safeText(`x${ch}y`), ch.codePointAt(0)!.toString(16)).not.toContain(ch);
    expect(safeText("os.sys\u{e0074}tem")).toBe("os.sys\\u{e0074}tem");
  });

  it("escape lone surrogates but keep surrogate pairs", () => {
    expect(safeText("a\ud800b\udc00c")).toBe("a\\ud800b\\udc00c");
    expect(safeText("\ud83d\ude42")).toBe("\ud83d\ude42");
  });

  it("differ only in tabs, newlines and carriage returns", () => {
    expect(safeText("a\tb\nc\rd")).toBe("a\tb\nc\\rd");
    expect(safeLine("a\tb\nc\rd")).toBe("a\\tb\\nc\\rd");
  });

  it("are idempotent, so a report escaped twice reads the same", () => {
    const hostile = "a\u001b[31m\u2028\u202e\u200b\ud800\u{e0041}\r\n";
    expect(safeText(safeText(hostile))).toBe(safeText(hostile));
    expect(safeLine(safeLine(hostile))).toBe(safeLine(hostile));
  });
});
