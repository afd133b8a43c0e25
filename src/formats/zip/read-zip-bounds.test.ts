import { deflateSync } from "fflate";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { StingySource } from "../../test-support/stingy-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { zipHandler } from "./handler.js";
import { readZip } from "./read-zip.js";

const FIFTY_MB = 50 * 1024 * 1024;

/** Text that deflates at a modest ratio, so only the byte budget (not the ratio cap) can stop it. */
function noisyText(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = 0x61 + ((x >>> 16) % 26);
  }
  return out;
}

describe("zip reader bounds", () => {
  const zeros = new Uint8Array(FIFTY_MB);
  const deflatedZeros = deflateSync(zeros);

  it("lists a 50 MB stored member while reading only headers", async () => {
    const zip = buildZip([{ name: "archive/data/0", data: zeros }, { name: "archive/data.pkl", data: "small" }]);
    const source = new MemorySource(zip);
    const r = await readZip(source, testScanContext());
    expect(r.members.map((m) => [m.path, m.source.size])).toEqual([
      ["archive/data/0", FIFTY_MB],
      ["archive/data.pkl", 5],
    ]);
    expect(source.stats.bytesRead).toBeLessThan(300 * 1024);
    const stingy = new StingySource(zip, { maxRead: 128 * 1024 });
    await readZip(stingy, testScanContext());
    expect(stingy.stats.bytesRead).toBeLessThan(300 * 1024);
  });

  it("reads a few KiB per member when walking many large stored members", async () => {
    const chunk = new Uint8Array(256 * 1024);
    const zip = buildZip(Array.from({ length: 200 }, (_, i) => ({ name: `archive/data/${i}`, data: chunk })));
    const source = new MemorySource(zip);
    const r = await readZip(source, testScanContext());
    expect(r.members).toHaveLength(200);
    expect(source.stats.bytesRead).toBeLessThan(200 * 8 * 1024 + 128 * 1024);
  });

  it("refuses a member whose declared ratio is a bomb", async () => {
    const zip = buildZip([{ name: "bomb", method: 8, compressed: deflatedZeros, uncompressedSize: FIFTY_MB }]);
    const ctx = testScanContext();
    const r = await readZip(new MemorySource(zip), ctx);
    expect(r.document.anomalies.map((a) => a.code)).toEqual(["compression-ratio"]);
    expect(r.defects).toEqual([expect.objectContaining({ code: "limit-exceeded", fatal: true, limit: "MAX_COMPRESSION_RATIO" })]);
    expect(r.members).toEqual([]);
    expect(ctx.budget.inflatedBytes).toBe(0);
  });

  it("stops a bomb that lies about its size at the ratio cap", async () => {
    const zip = buildZip([{ name: "bomb", method: 8, compressed: deflatedZeros, uncompressedSize: 1000 }]);
    const ctx = testScanContext();
    const r = await readZip(new StingySource(zip), ctx);
    expect(r.document.anomalies.map((a) => a.code)).toContain("compression-ratio");
    // The output up to the cap is a guess, produced only when the engine scans it.
    expect(r.members.map((m) => [m.speculative, m.source.stats.bytesRead])).toEqual([[true, 0]]);
    expect(r.members[0]!.source.size).toBeLessThanOrEqual(deflatedZeros.length * 200);
    expect(ctx.budget.inflatedBytes).toBeLessThanOrEqual(deflatedZeros.length * 200);
  });

  it("refuses a member that declares more than the budget left", async () => {
    const data = noisyText(5000);
    const zip = buildZip([{ name: "big", data, method: 8 }]);
    const r = await readZip(new MemorySource(zip), testScanContext({ maxInflatedBytes: 4999 }));
    expect(r.document.anomalies.map((a) => a.code)).toEqual(["output-limit"]);
    expect(r.defects[0]).toMatchObject({ code: "limit-exceeded", limit: "maxInflatedBytes" });
  });

  it("inflates a member exactly at the budget and counts it", async () => {
    const data = noisyText(5000);
    const zip = buildZip([{ name: "big", data, method: 8 }]);
    const ctx = testScanContext({ maxInflatedBytes: 5000 });
    const r = await readZip(new MemorySource(zip), ctx);
    expect(r.defects).toEqual([]);
    expect(ctx.budget.inflatedBytes).toBe(5000);
  });

  it("stops a member that lies about its size at the budget", async () => {
    const data = noisyText(5000);
    const zip = buildZip([{ name: "big", data, method: 8, uncompressedSize: 10 }]);
    const ctx = testScanContext({ maxInflatedBytes: 4999 });
    const r = await readZip(new MemorySource(zip), ctx);
    expect(r.document.anomalies.map((a) => a.code)).toContain("output-limit");
    expect(r.members.map((m) => [m.speculative, m.source.size])).toEqual([[true, 4999]]);
    expect(await r.members[0]!.source.read(0, 4999)).toEqual(data.subarray(0, 4999));
  });

  it("shares the budget across members", async () => {
    const data = noisyText(3000);
    const zip = buildZip([{ name: "a", data, method: 8 }, { name: "b", data, method: 8 }]);
    const ctx = testScanContext({ maxInflatedBytes: 5000 });
    const r = await readZip(new MemorySource(zip), ctx);
    expect(r.members.map((m) => m.path)).toEqual(["a"]);
    expect(r.document.anomalies.map((a) => a.code)).toEqual(["output-limit"]);
  });

  it("stops at the deadline", async () => {
    const zip = buildZip([{ name: "a", data: "x" }]);
    let t = 0;
    const r = await readZip(new MemorySource(zip), testScanContext({}, { now: () => t++, deadline: 0 }));
    expect(r.defects.some((d) => d.code === "timeout")).toBe(true);
  });
});

describe("zipHandler", () => {
  const hint = { name: "x", size: 0, parents: [] };
  it("sniffs strong at offset 0, weak when a signature comes later, no otherwise", () => {
    expect(zipHandler.sniff(buildZip([{ name: "a", data: "x" }]), hint)).toBe("strong");
    expect(zipHandler.sniff(buildZip([]), hint)).toBe("strong");
    expect(zipHandler.sniff(buildZip([{ name: "a", data: "x" }], { prepend: "stub" }), hint)).toBe("weak");
    expect(zipHandler.sniff(new TextEncoder().encode("plain text, no zip here"), hint)).toBe("no");
  });

  it("drops a weak match with no zip structure", async () => {
    const bytes = new TextEncoder().encode("xxPK\x03\x04 but nothing else");
    expect(await zipHandler.analyze(new MemorySource(bytes), testScanContext())).toBeUndefined();
  });

  it("returns the document, members and defects", async () => {
    const a = await zipHandler.analyze(new MemorySource(buildZip([{ name: "a", data: "x" }])), testScanContext());
    expect(a).toMatchObject({ format: "zip", defects: [], members: [{ path: "a" }] });
  });
});
