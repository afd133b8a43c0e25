import { it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { parsePickle } from "./parse.js";
it("t", async () => {
  for (const n of [40_000, 400_000, 2_000_000]) {
  const bytes = new Uint8Array(2 + n * 9 + 2);
  bytes.set([0x80, 4]);
  for (let i = 0; i < n; i++) bytes.set([0x95, 100, 0, 0, 0, 0, 0, 0, 0], 2 + i * 9);
  bytes.set([0x4e, 0x2e], 2 + n * 9);
  const t = performance.now();
  const doc = await parsePickle(new MemorySource(bytes));
  console.log("parse", performance.now() - t, doc.defects.length, doc.streams.length, doc.stats.ops);
  }
});
