import { describe, expect, it } from "vitest";
import { fnv1a64 } from "./fingerprint.js";

describe("fnv1a64", () => {
  it("matches the published FNV-1a 64-bit test vectors", () => {
    expect(fnv1a64("")).toBe("cbf29ce484222325");
    expect(fnv1a64("a")).toBe("af63dc4c8601ec8c");
    expect(fnv1a64("foobar")).toBe("85944171f73967e8");
  });

  it("hashes UTF-8 bytes, not UTF-16 code units", () => {
    // Bytes c3 a9; the value was computed independently (Python, over "é".encode()).
    expect(fnv1a64("é")).toBe("0ac21707b7181e01");
  });
});
