import { deflateSync } from "fflate";
import { describe, expect, it } from "vitest";
import type { ByteSource } from "../../core/byte-source.js";
import { everySource } from "../../test-support/stingy-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { buildZip, unixAttr } from "../../test-support/zip-builder.js";
import { readZip } from "./read-zip.js";
import type { ZipAnomalyCode } from "./types.js";

const PICKLE = new Uint8Array([0x80, 0x04, 0x95, 0x05, 0, 0, 0, 0, 0, 0, 0, 0x4b, 0x01, 0x2e]);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

async function read(bytes: Uint8Array, make: () => ByteSource, limits = {}) {
  const ctx = testScanContext(limits);
  const r = await readZip(make(), ctx);
  const codes = r.document.anomalies.map((a) => a.code);
  const members = new Map(await Promise.all(r.members.map(async (m) => [m.path, { bytes: await m.source.read(0, m.source.size), m }] as const)));
  return { ...r, codes, members, ctx, bytes };
}

const has = (codes: ZipAnomalyCode[], code: ZipAnomalyCode): boolean => codes.includes(code);

describe.each(everySource(new Uint8Array(0)).map((s) => s.name))("readZip through %s source", (sourceName) => {
  const src = (bytes: Uint8Array) => everySource(bytes).find((s) => s.name === sourceName)!.make;

  it("reads stored and deflated members with matching CRCs and no anomalies", async () => {
    const zip = buildZip([
      { name: "archive/data.pkl", data: PICKLE },
      { name: "archive/version", data: "3\n", method: 8 },
      { name: "archive/", data: "" },
    ]);
    const r = await read(zip, src(zip));
    expect(r.codes).toEqual([]);
    expect(r.defects).toEqual([]);
    expect([...r.members.keys()]).toEqual(["archive/data.pkl", "archive/version"]);
    expect(r.members.get("archive/data.pkl")!.bytes).toEqual(PICKLE);
    expect(text(r.members.get("archive/version")!.bytes)).toBe("3\n");
    expect(r.document.entries.map((e) => e.kind)).toEqual(["file", "file", "directory"]);
    expect(r.document.entries[1]!.data).toMatchObject({ status: "inflated", crc: "match" });
    expect(r.document.entries[0]!.data).toMatchObject({ status: "stored", crc: "match" });
    expect(r.ctx.budget.inflatedBytes).toBe(2);
  });

  it("reads an empty archive", async () => {
    const zip = buildZip([]);
    const r = await read(zip, src(zip));
    expect(r.document.eocd).toBeDefined();
    expect(r.document.entries).toEqual([]);
    expect(r.defects).toEqual([]);
  });

  it("reports a CRC mismatch and still hands out the member (CVE-2025-10156)", async () => {
    const zip = buildZip([{ name: "archive/data.pkl", data: PICKLE, crc: 0xdeadbeef }]);
    const r = await read(zip, src(zip));
    expect(has(r.codes, "crc-mismatch")).toBe(true);
    expect(r.members.get("archive/data.pkl")!.bytes).toEqual(PICKLE);
    expect(r.document.entries[0]!.data?.crc).toBe("mismatch");
  });

  it("treats CRC 0 as not recorded, the way torch writes with compute_crc32 off", async () => {
    const zip = buildZip([{ name: "archive/data.pkl", data: PICKLE, crc: 0 }]);
    const r = await read(zip, src(zip));
    expect(r.codes).toEqual([]);
    expect(r.document.entries[0]!.data?.crc).toBe("not-checked");
  });

  it.each([0x20, 0x40])("reads a stored member with flag %s and reports it (CVE-2025-1945)", async (flag) => {
    const zip = buildZip([{ name: "archive/data.pkl", data: PICKLE, flags: flag }]);
    const r = await read(zip, src(zip));
    expect(has(r.codes, "unusual-flags")).toBe(true);
    expect(r.members.get("archive/data.pkl")!.bytes).toEqual(PICKLE);
  });

  it("scans plaintext behind the encryption flag without a fatal defect", async () => {
    const zip = buildZip([{ name: "archive/data.pkl", data: PICKLE, flags: 0x1 }]);
    const r = await read(zip, src(zip));
    expect(has(r.codes, "encrypted")).toBe(true);
    expect(r.defects.filter((d) => d.fatal)).toEqual([]);
    expect(r.members.get("archive/data.pkl")!.m.speculative).toBeUndefined();
    expect(r.document.entries[0]!.data?.encryptionFlagOnPlaintext).toBe(true);
  });

  it("fails closed on a really encrypted member but still scans its raw bytes as a guess", async () => {
    const cipher = new Uint8Array(64).map((_, i) => (i * 151 + 17) & 0xff);
    const zip = buildZip([{ name: "secret.bin", compressed: cipher, flags: 0x1 }]);
    const r = await read(zip, src(zip));
    expect(r.defects.some((d) => d.code === "encrypted" && d.fatal)).toBe(true);
    expect(r.members.get("secret.bin")!.m.speculative).toBe(true);
  });

  it("fails closed on a deflated member flagged encrypted that does not inflate", async () => {
    const zip = buildZip([{ name: "secret.bin", method: 8, compressed: new Uint8Array([0xff, 0xfe, 0xfd, 0xfc, 0x01]), flags: 0x1 }]);
    const r = await read(zip, src(zip));
    expect(r.defects.some((d) => d.code === "encrypted" && d.fatal)).toBe(true);
    expect(r.members.size).toBe(0);
  });

  it("reports local/central name mismatches and uses the central name (CVE-2025-1944)", async () => {
    const zip = buildZip([{ name: "archive/data.pkl", localName: "archive/datap.kl", data: PICKLE }]);
    const r = await read(zip, src(zip));
    expect(has(r.codes, "name-mismatch")).toBe(true);
    expect(r.members.get("archive/data.pkl")!.bytes).toEqual(PICKLE);
    expect(r.document.entries[0]!.local?.name).toBe("archive/datap.kl");
  });

  it("scans every copy of a duplicated name and says which one Python reads", async () => {
    const zip = buildZip([
      { name: "archive/data.pkl", data: "benign" },
      { name: "archive/data.pkl", data: PICKLE },
    ]);
    const r = await read(zip, src(zip));
    const dup = r.document.anomalies.find((a) => a.code === "duplicate-name")!;
    expect(dup.entries).toEqual([0, 1]);
    expect(dup.message).toContain("Python zipfile reads entry 1");
    expect(text(r.members.get("archive/data.pkl")!.bytes)).toBe("benign");
    expect(r.members.get("archive/data.pkl#2")!.bytes).toEqual(PICKLE);
  });

  it("reports central entries sharing one local header", async () => {
    const zip = buildZip([{ name: "a", data: "x".repeat(100) }, { name: "b", shareLocalWith: 0 }]);
    const r = await read(zip, src(zip));
    expect(has(r.codes, "overlapping-data")).toBe(true);
    expect(r.members.size).toBe(2);
  });

  it("reports data that overlaps the next entry", async () => {
    const zip = buildZip([{ name: "a", data: "x".repeat(10), compressedSize: 60 }, { name: "b", data: "y".repeat(10) }]);
    const r = await read(zip, src(zip));
    expect(r.document.anomalies.some((a) => a.code === "overlapping-data" && a.message.includes('overlaps entry "b"'))).toBe(true);
  });

  it("reports a symlink entry with its target", async () => {
    const zip = buildZip([{ name: "link", data: "../../etc/passwd", externalAttr: unixAttr(0o120777) }]);
    const r = await read(zip, src(zip));
    expect(r.document.entries[0]).toMatchObject({ kind: "symlink", linkTarget: "../../etc/passwd", unixMode: 0o120777 });
  });

  it("reports data prepended with absolute offsets", async () => {
    const zip = buildZip([{ name: "a.pkl", data: PICKLE }], { prepend: "#!/bin/sh\necho hi\n" });
    const r = await read(zip, src(zip));
    expect(r.codes).toEqual(["prepended-data"]);
    expect(r.members.get("a.pkl")!.bytes).toEqual(PICKLE);
  });

  it("reports naive concatenation: Python shifts offsets, miniz cannot read", async () => {
    const zip = buildZip([{ name: "a.pkl", data: PICKLE }], { prepend: "GARBAGE-PREFIX", absoluteOffsets: false });
    const r = await read(zip, src(zip));
    expect(has(r.codes, "central-directory-shift")).toBe(true);
    expect(has(r.codes, "prepended-data")).toBe(true);
    expect(r.document.eocd?.shift).toBe(14);
    expect(r.members.get("a.pkl")!.bytes).toEqual(PICKLE);
  });

  it("reports data appended after the end record", async () => {
    const zip = buildZip([{ name: "a", data: "x" }], { append: PICKLE });
    const r = await read(zip, src(zip));
    expect(r.codes).toEqual(["appended-data"]);
  });

  it("reads ZIP64 archives", async () => {
    const zip = buildZip([{ name: "a.pkl", data: PICKLE }, { name: "b", data: "hello", method: 8 }], { zip64: true });
    const r = await read(zip, src(zip));
    expect(r.document.eocd?.zip64).toBe(true);
    expect(has(r.codes, "zip64")).toBe(true);
    expect(r.defects).toEqual([]);
    expect(r.members.get("a.pkl")!.bytes).toEqual(PICKLE);
    expect(text(r.members.get("b")!.bytes)).toBe("hello");
  });

  it("reads entries with data descriptors, also as a streaming reader would", async () => {
    const zip = buildZip([
      { name: "a", data: "first", method: 8, dataDescriptor: true },
      { name: "b", data: PICKLE, dataDescriptor: true },
    ]);
    const r = await read(zip, src(zip));
    expect(r.codes).toEqual(["data-descriptor"]);
    expect(r.document.entries.every((e) => e.streamReachable)).toBe(true);
    expect(r.members.get("b")!.bytes).toEqual(PICKLE);
  });

  it("reads an archive written entirely with data descriptors", async () => {
    const zip = buildZip([{ name: "a", data: "one", method: 8 }, { name: "b", data: PICKLE }], { dataDescriptor: true });
    const r = await read(zip, src(zip));
    expect(r.codes).toEqual(["data-descriptor"]);
    expect(r.members.get("b")!.bytes).toEqual(PICKLE);
  });

  it("finds a local entry missing from the central directory", async () => {
    const zip = buildZip([{ name: "a", data: "benign" }, { name: "hidden.pkl", data: PICKLE, inCentral: false }]);
    const r = await read(zip, src(zip));
    expect(has(r.codes, "local-only")).toBe(true);
    expect(r.members.get("hidden.pkl")!.bytes).toEqual(PICKLE);
  });

  it("finds a hidden local entry whose size only a data descriptor knows", async () => {
    const zip = buildZip([{ name: "hidden.pkl", data: PICKLE, inCentral: false, dataDescriptor: true }, { name: "a", data: "benign" }]);
    const r = await read(zip, src(zip));
    expect(has(r.codes, "local-only")).toBe(true);
    expect(r.members.get("hidden.pkl")!.bytes).toEqual(PICKLE);
    expect(r.document.entries.find((e) => e.name === "a")!.streamReachable).toBe(true);
  });

  it("still yields members from local headers when the central directory is destroyed", async () => {
    const zip = buildZip([{ name: "a.pkl", data: PICKLE }, { name: "b", data: "x" }]);
    const broken = zip.slice(0, zip.length - 22 - 2 * 47 + 10); // cut inside the central directory
    const r = await read(broken, src(broken));
    expect(r.document.eocd).toBeUndefined();
    expect(r.members.get("a.pkl")!.bytes).toEqual(PICKLE);
    expect(has(r.codes, "local-only")).toBe(true);
  });

  it("fails closed on unsupported methods, naming the method", async () => {
    const zip = buildZip([{ name: "m.ppmd", method: 98, compressed: new TextEncoder().encode("ppmd...") }]);
    const r = await read(zip, src(zip));
    expect(r.defects).toEqual([expect.objectContaining({ code: "unsupported", fatal: true, message: expect.stringContaining("98 (ppmd)") })]);
  });

  it("decodes zstd members (method 93)", async () => {
    const zip = buildZip([{ name: "z.pkl", method: 93, compressed: rawZstdFrame(PICKLE), uncompressedSize: PICKLE.length }]);
    const r = await read(zip, src(zip));
    expect(r.defects).toEqual([]);
    expect(r.members.get("z.pkl")!.bytes).toEqual(PICKLE);
  });

  it("reads the local header's version of the data too when the headers disagree on the method", async () => {
    const zip = buildZip([{ name: "a.pkl", data: PICKLE, localMethod: 8 }]);
    const r = await read(zip, src(zip));
    expect(has(r.codes, "method-mismatch")).toBe(true);
    expect(r.members.get("a.pkl")!.bytes).toEqual(PICKLE);
    expect(r.defects.every((d) => !d.fatal)).toBe(true);
    const deflated = buildZip([{ name: "b.pkl", data: PICKLE, method: 8, localMethod: 0, localCompressedSize: 99 }]);
    const r2 = await read(deflated, src(deflated));
    expect(r2.members.get("b.pkl")!.bytes).toEqual(PICKLE);
    expect(r2.members.get("b.pkl#local-header")!.m.speculative).toBe(true);
  });

  it("reports an entry count that does not match the directory", async () => {
    const zip = buildZip([{ name: "a", data: "x" }, { name: "b", data: "y" }], { entryCount: 1 });
    const r = await read(zip, src(zip));
    expect(has(r.codes, "entry-count-mismatch")).toBe(true);
    expect(r.members.size).toBe(2);
  });

  it("reports a forged end record hidden in the comment", async () => {
    const inner = buildZip([]);
    const zip = buildZip([{ name: "a", data: "x" }], { comment: inner });
    const r = await read(zip, src(zip));
    expect(has(r.codes, "multiple-eocd")).toBe(true);
  });

  it("reports a nested zip as a member that is itself a zip", async () => {
    const inner = buildZip([{ name: "archive/data.pkl", data: PICKLE }]);
    const zip = buildZip([{ name: "inner.zip", data: inner }]);
    const r = await read(zip, src(zip));
    const m = r.members.get("inner.zip")!;
    const nested = await readZip(m.m.source, testScanContext());
    expect(await nested.members[0]!.source.read(0, PICKLE.length)).toEqual(PICKLE);
  });

  it("stops at the member limit", async () => {
    const zip = buildZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: "x" })));
    const r = await read(zip, src(zip), { maxMembers: 3 });
    expect(r.defects.some((d) => d.code === "limit-exceeded" && d.limit === "maxMembers")).toBe(true);
  });

  it("decodes names as CP437 unless flag bit 11 says UTF-8", async () => {
    const zip = buildZip([{ name: "caf\u00e9", data: "x" }]);
    const r = await read(zip, src(zip));
    expect(r.document.entries[0]!.name).toBe("caf\u00e9");
    const cp437 = buildZip([{ name: "caf\u00e9", data: "x", flags: 0 }]);
    const r2 = await read(cp437, src(cp437));
    expect(r2.document.entries[0]!.name).toBe("caf\u251c\u2310");
  });

  it("handles deflate streams emitted by fflate at high ratio below the floor", async () => {
    const zeros = new Uint8Array(512 * 1024);
    const zip = buildZip([{ name: "zeros", method: 8, compressed: deflateSync(zeros), uncompressedSize: zeros.length }]);
    const r = await read(zip, src(zip));
    expect(r.codes).toEqual([]);
    expect(r.members.get("zeros")!.bytes.length).toBe(zeros.length);
  });
});

/** A zstd frame with one raw block (RFC 8878): single segment, 1-byte content size. */
export function rawZstdFrame(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 1 + 1 + 3 + data.length);
  out.set([0x28, 0xb5, 0x2f, 0xfd, 0x20, data.length]);
  const bh = (data.length << 3) | 1; // last block, raw
  out.set([bh & 0xff, (bh >> 8) & 0xff, (bh >> 16) & 0xff], 6);
  out.set(data, 9);
  return out;
}
