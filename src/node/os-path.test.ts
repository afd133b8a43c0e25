import { describe, expect, it } from "vitest";
import { binary, childOsPath, displayPath, fromBinary, joinOsPath, toOsPath } from "./os-path.js";

const bytes = (...list: number[]) => Buffer.from(list);

describe("displayPath", () => {
  it("shows a UTF-8 name as it is", () => {
    expect(displayPath(Buffer.from("modèle/数据.pkl"))).toBe("modèle/数据.pkl");
  });

  it("shows each byte that is not UTF-8 as \\xNN and decodes the rest", () => {
    expect(displayPath(bytes(0x6d, 0xff, 0x2e, 0x70, 0x74))).toBe("m\\xff.pt");
    // Latin-1 "é" (a lone 0xE9), then a valid UTF-8 "é".
    expect(displayPath(Buffer.concat([bytes(0xe9), Buffer.from("é")]))).toBe("\\xe9é");
  });

  it("rejects what strict UTF-8 rejects: overlongs, surrogates, past U+10FFFF, cut sequences", () => {
    expect(displayPath(bytes(0xc0, 0xaf))).toBe("\\xc0\\xaf");
    expect(displayPath(bytes(0xed, 0xa0, 0x80))).toBe("\\xed\\xa0\\x80");
    expect(displayPath(bytes(0xf4, 0x90, 0x80, 0x80))).toBe("\\xf4\\x90\\x80\\x80");
    expect(displayPath(bytes(0x61, 0xe2, 0x80))).toBe("a\\xe2\\x80");
  });

  it("shows printable ASCII as it is, and still escapes DEL and controls next to it (the ASCII fast path)", () => {
    expect(displayPath(Buffer.from("weights-01 (copy).pkl"))).toBe("weights-01 (copy).pkl");
    expect(displayPath(Buffer.from("a\u007fb.pkl"))).toBe("a\\x7fb.pkl");
    expect(displayPath(Buffer.from("a\u001fb"))).toBe("a\\x1fb");
    expect(displayPath(bytes(0x61, 0x80))).toBe("a\\x80");
  });

  it("escapes control, bidi and line-separator characters in names", () => {
    expect(displayPath(Buffer.from("a\nb\u001b[2K\u202ec\u2028.pkl"))).toBe("a\\nb\\x1b[2K\\u202ec\\u2028.pkl");
    expect(displayPath(Buffer.from("\ufeffbom.pkl"))).toBe("\\ufeffbom.pkl");
  });
});

describe("byte paths", () => {
  it("join and round-trip through latin1 without touching bytes", () => {
    const dir = toOsPath("/tmp/models");
    const joined = joinOsPath(dir, bytes(0xff, 0x61));
    expect([...joined.subarray(-3)]).toEqual([0x2f, 0xff, 0x61]);
    expect(fromBinary(binary(joined)).equals(joined)).toBe(true);
  });

  it("childOsPath joins a name below a normalised folder exactly as joinOsPath does", () => {
    const dir = joinOsPath(toOsPath("./models//a/"), bytes(0x62));
    for (const name of [bytes(0xff, 0x61), Buffer.from("weights.pkl"), Buffer.from("...")]) {
      expect(childOsPath(dir, name).equals(joinOsPath(dir, name))).toBe(true);
    }
  });
});
