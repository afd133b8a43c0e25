import { readFileSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StingySource } from "../../test-support/stingy-source.js";
import { parseJavaStream } from "./parse.js";
import { parseJavaStreamAt } from "./source-reads.js";

const dir = new URL("../../../fixtures/java/", import.meta.url);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, dir)));

describe("parseJavaStream on real ObjectOutputStream output", () => {
  for (const group of ["benign", "malicious"]) {
    for (const name of readdirSync(new URL(group, dir))) {
      it(`parses ${group}/${name} completely`, () => {
        const { document } = parseJavaStream(fixture(`${group}/${name}`));
        expect(document.defects).toEqual([]);
        expect(document.complete).toBe(true);
        expect(document.length).toBe(fixture(`${group}/${name}`).length);
        expect(document.classes.length).toBeGreaterThan(0);
      });
    }
  }
});

describe("parseJavaStream robustness", () => {
  it("never throws on any truncation or single-byte corruption of a real stream", () => {
    const bytes = fixture("malicious/commons_collections1.ser");
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { document } = parseJavaStream(bytes.subarray(0, cut));
      if (cut < bytes.length) expect(document.complete, `cut at ${cut}`).toBe(false);
    }
    for (let at = 4; at < bytes.length; at += 3) {
      const copy = bytes.slice();
      copy[at] = (copy[at] as number) ^ 0xff;
      expect(() => parseJavaStream(copy)).not.toThrow();
    }
  });
  it("never throws on arbitrary bytes after the magic", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (tail) => {
        const { document } = parseJavaStream(new Uint8Array([0xac, 0xed, 0x00, 0x05, ...tail]));
        expect(document.length).toBeLessThanOrEqual(tail.length + 4);
      }),
      { numRuns: 2000 },
    );
  });
  it("grows its read window for a stream larger than the first window", async () => {
    // TC_ARRAY of [B with 300 KiB of data, then TC_STRING "end": the string lies past the first 64 KiB window.
    const size = 300 * 1024;
    const head = [0xac, 0xed, 0x00, 0x05, 0x75, 0x72, 0, 2, 0x5b, 0x42, 0xac, 0xf3, 0x17, 0xf8, 0x06, 0x08, 0x54, 0xe0, 0x02, 0, 0, 0x78, 0x70, (size >>> 24) & 0xff, (size >>> 16) & 0xff, (size >>> 8) & 0xff, size & 0xff];
    const bytes = new Uint8Array([...head, ...new Uint8Array(size), 0x74, 0, 3, 0x65, 0x6e, 0x64]);
    const { document } = await parseJavaStreamAt(new StingySource(bytes), 0);
    expect(document.defects).toEqual([]);
    expect(document.contents).toBe(2);
    expect(document.strings.map((s) => s.text)).toEqual(["end"]);
  });
});
