import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32 as referenceCrc32 } from "../compress/crc32.js";
import { Crc64, bzip2Crc, crc32 } from "./crc.js";
import { Sha256 } from "./sha256.js";

const enc = new TextEncoder();
const CHECK = enc.encode("123456789");
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** Feeds `bytes` to `update` in pieces cut at `cuts`. */
function pieces(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, Math.max(prev, c)));
    prev = Math.max(prev, c);
  }
  return out;
}

describe("checksums", () => {
  it("CRC-32 has the standard check value and matches the byte-wise implementation in any split", () => {
    expect(crc32(CHECK)).toBe(0xcbf43926);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        let c = 0;
        for (const p of pieces(bytes, cuts)) c = crc32(p, c);
        expect(c).toBe(referenceCrc32(bytes));
      }),
    );
  });

  it("CRC-64/XZ has the standard check value (0x995DC9BBDF1939FA) in any split", () => {
    const one = new Crc64();
    one.update(CHECK);
    expect(hex(one.digest())).toBe("fa3919dfbbc95d99");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        const whole = new Crc64();
        whole.update(bytes);
        const split = new Crc64();
        for (const p of pieces(bytes, cuts)) split.update(p);
        expect(hex(split.digest())).toBe(hex(whole.digest()));
      }),
    );
  });

  it("bzip2's CRC-32 has the CRC-32/BZIP2 check value", () => {
    expect(~bzip2Crc(CHECK) >>> 0).toBe(0xfc891918);
  });

  it("SHA-256 matches node:crypto in any split", () => {
    const abc = new Sha256();
    abc.update(enc.encode("abc"));
    expect(hex(abc.digest())).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        const h = new Sha256();
        for (const p of pieces(bytes, cuts)) h.update(p);
        expect(hex(h.digest())).toBe(createHash("sha256").update(bytes).digest("hex"));
      }),
    );
  });
});
