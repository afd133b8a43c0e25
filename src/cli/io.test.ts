import { describe, expect, it } from "vitest";
import { argumentBytes } from "./io.js";

describe("argumentBytes", () => {
  const bytes = Buffer.from([0x6d, 0xff, 0x2e, 0x70, 0x74]);

  it("gives back the bytes of an argument Node decoded with U+FFFD", () => {
    expect(argumentBytes("m\ufffd.pt", [Buffer.from("scan"), bytes])).toEqual(bytes);
  });

  it("near miss: a UTF-8 argument stays text, and so does one with no raw command line", () => {
    expect(argumentBytes("modèle.pt", [Buffer.from("modèle.pt")])).toBe("modèle.pt");
    expect(argumentBytes("m\ufffd.pt", undefined)).toBe("m\ufffd.pt");
  });

  it("keeps the text when two different raw arguments decode the same", () => {
    const other = Buffer.from([0x6d, 0xfe, 0x2e, 0x70, 0x74]);
    expect(argumentBytes("m\ufffd.pt", [bytes, other])).toBe("m\ufffd.pt");
    expect(argumentBytes("m\ufffd.pt", [bytes, Buffer.from(bytes)])).toEqual(bytes);
  });
});
