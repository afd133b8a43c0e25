import fc from "fast-check";
import { gzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import type { FormatHandler } from "../../core/handler.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { StingySource } from "../../test-support/stingy-source.js";
import { buildTar } from "../../test-support/tar-builder.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { gzipHandler, lz4Handler, zlibHandler, zstdHandler } from "../compress/index.js";
import { tarHandler } from "../tar/index.js";
import { zipHandler } from "./index.js";

const HANDLERS: FormatHandler[] = [zipHandler, tarHandler, gzipHandler, zlibHandler, zstdHandler, lz4Handler];

const SEEDS = [
  buildZip([{ name: "archive/data.pkl", data: "payload" }, { name: "b", data: "x".repeat(300), method: 8, dataDescriptor: true }], { zip64: true }),
  buildZip([{ name: "a", data: "x" }, { name: "a", shareLocalWith: 0 }], { prepend: "junk", absoluteOffsets: false }),
  buildTar([{ name: "x".repeat(120), data: "y", longName: "pax" }, { name: "l", type: "2", linkName: "t" }]),
  gzipSync(new TextEncoder().encode("hello hello hello")),
  new Uint8Array([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x00, 0x05, 0, 0, 0x80, 1, 2, 3, 4, 5, 0, 0, 0, 0]),
];

/** Flips, overwrites and truncates bytes of a valid archive. */
const mutated = fc
  .record({
    seed: fc.constantFrom(...SEEDS),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
    cut: fc.nat(),
  })
  .map(({ seed, edits, cut }) => {
    const b = seed.slice(0, seed.length - (cut % Math.max(1, seed.length >> 2)));
    for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
    return b;
  });

describe("archive readers never throw on hostile bytes", () => {
  it("handles random and mutated input through every handler and source", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, fc.uint8Array({ maxLength: 2048 })), async (bytes) => {
        for (const h of HANDLERS) {
          for (const source of [new MemorySource(bytes), new StingySource(bytes)]) {
            const a = await h.analyze(source, testScanContext({ maxInflatedBytes: 1 << 20 }));
            for (const m of a?.members ?? []) expect(m.source.size).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
