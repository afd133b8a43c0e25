import { describe, expect, it } from "vitest";
import type { ByteSource } from "../../core/byte-source.js";
import { MemorySource } from "../../core/byte-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { everySource } from "../../test-support/stingy-source.js";
import { buildTar } from "../../test-support/tar-builder.js";
import { tarHandler } from "./handler.js";
import { readTar } from "./read-tar.js";
import type { TarAnomalyCode } from "./types.js";

const PICKLE = new Uint8Array([0x80, 0x04, 0x4b, 0x01, 0x2e]);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

async function read(make: () => ByteSource, limits = {}) {
  const r = await readTar(make(), testScanContext(limits));
  const members = new Map(await Promise.all(r.members.map(async (m) => [m.path, { m, bytes: await m.source.read(0, m.source.size) }] as const)));
  const codes: TarAnomalyCode[] = r.document.anomalies.map((a) => a.code);
  return { ...r, members, codes };
}

describe.each(["memory", "stingy"])("readTar through %s source", (sourceName) => {
  const src = (bytes: Uint8Array) => everySource(bytes).find((s) => s.name === sourceName)!.make;

  it("reads ustar files and directories with no anomalies", async () => {
    const tar = buildTar([{ name: "model/", type: "5" }, { name: "model/data.pkl", data: PICKLE }, { name: "model/version", data: "3\n" }]);
    const r = await read(src(tar));
    expect(r.codes).toEqual([]);
    expect(r.defects).toEqual([]);
    expect([...r.members.keys()]).toEqual(["model/data.pkl", "model/version"]);
    expect(r.members.get("model/data.pkl")!.bytes).toEqual(PICKLE);
    expect(r.document.entries.map((e) => e.kind)).toEqual(["directory", "file", "file"]);
    expect(r.document.endOffset).toBe(5 * 512);
  });

  it("reads GNU long names and long links", async () => {
    const long = "d/".repeat(80) + "data.pkl";
    const tar = buildTar([{ name: long, data: PICKLE, longName: "gnu" }, { name: "l".repeat(120), type: "2", linkName: "t/".repeat(70), longName: "gnu" }]);
    const r = await read(src(tar));
    expect(r.codes).toEqual([]);
    expect(r.document.entries[0]).toMatchObject({ name: long, format: "ustar", names: { gnuLong: long } });
    expect(r.document.entries[1]).toMatchObject({ kind: "symlink", linkName: "t/".repeat(70) });
    expect(r.members.get(long)!.bytes).toEqual(PICKLE);
  });

  it("reads PAX path, linkpath and size overrides", async () => {
    const tar = buildTar([
      { name: "p/".repeat(60) + "x.pkl", data: PICKLE, longName: "pax" },
      { name: "short", data: "abcdef", pax: { size: "3" }, size: 6 },
    ]);
    const r = await read(src(tar));
    expect(r.document.entries[0]).toMatchObject({ name: "p/".repeat(60) + "x.pkl", format: "pax" });
    expect(r.document.entries[1]!.size).toBe(3);
    expect(text(r.members.get("short")!.bytes)).toBe("abc");
  });

  it("reports a name that differs between the ustar field and the PAX record", async () => {
    const tar = buildTar([{ name: "innocent.txt", data: PICKLE, pax: { path: "../../evil.pkl" } }]);
    const r = await read(src(tar));
    expect(r.codes).toEqual(["name-spellings-differ"]);
    expect(r.document.entries[0]!.name).toBe("../../evil.pkl");
    expect(r.document.entries[0]!.names.header).toBe("innocent.txt");
  });

  it("records links, devices, FIFOs and setuid bits", async () => {
    const tar = buildTar([
      { name: "s", type: "2", linkName: "/etc/passwd" },
      { name: "h", type: "1", linkName: "../outside" },
      { name: "c", type: "3" },
      { name: "b", type: "4" },
      { name: "f", type: "6" },
      { name: "suid", data: "x", mode: 0o4755 },
    ]);
    const r = await read(src(tar));
    expect(r.document.entries.map((e) => e.kind)).toEqual(["symlink", "hardlink", "char-device", "block-device", "fifo", "file"]);
    expect(r.document.entries[5]!.mode).toBe(0o4755);
    expect([...r.members.keys()]).toEqual(["suid"]);
  });

  it("reports a bad checksum and skips to the next header like GNU tar", async () => {
    const tar = buildTar([{ name: "bad", data: "x", badChecksum: true }, { name: "hidden.pkl", data: PICKLE }]);
    const r = await read(src(tar));
    expect(r.codes).toEqual(["bad-checksum", "entries-after-bad-header"]);
    expect(r.document.entries[0]).toMatchObject({ name: "hidden.pkl", afterBadHeader: true });
    expect(r.members.get("hidden.pkl")!.bytes).toEqual(PICKLE);
  });

  it("scans entries after the end-of-archive blocks", async () => {
    const tar = buildTar([{ name: "a", data: "x" }], { afterEnd: [{ name: "hidden.pkl", data: PICKLE }] });
    const r = await read(src(tar));
    expect(r.codes).toEqual(["entries-after-end"]);
    expect(r.document.entries[1]).toMatchObject({ name: "hidden.pkl", afterEnd: true });
  });

  it("reports non-tar data after the end, but not zero padding", async () => {
    const padded = buildTar([{ name: "a", data: "x" }], { append: new Uint8Array(8192) });
    expect((await read(src(padded))).codes).toEqual([]);
    const tar = buildTar([{ name: "a", data: "x" }], { append: "PK\x03\x04 trailing zip" });
    expect((await read(src(tar))).codes).toEqual(["appended-data"]);
  });

  it("reports duplicate names and scans both copies", async () => {
    const tar = buildTar([{ name: "a.pkl", data: "benign" }, { name: "a.pkl", data: PICKLE }]);
    const r = await read(src(tar));
    expect(r.codes).toEqual(["duplicate-name"]);
    expect(r.members.get("a.pkl#2")!.bytes).toEqual(PICKLE);
  });

  it("reports data on a directory entry and reads on the way Python does", async () => {
    const hidden = buildTar([{ name: "hidden.pkl", data: PICKLE }], { noEnd: true });
    const tar = buildTar([{ name: "d/", type: "5", data: hidden }]);
    const r = await read(src(tar));
    expect(r.codes).toContain("data-on-special-entry");
    expect(r.members.get("hidden.pkl")!.bytes).toEqual(PICKLE);
  });

  it("reports truncated member data and scans what is there", async () => {
    const tar = buildTar([{ name: "a", data: "x", size: 100000 }], { noEnd: true });
    const r = await read(src(tar));
    expect(r.codes).toContain("truncated");
    expect(r.defects[0]).toMatchObject({ code: "truncated", fatal: true });
    expect(r.members.get("a")!.m.speculative).toBe(true);
  });

  it("fails closed on an archive cut inside a header block", async () => {
    const tar = buildTar([{ name: "a.pkl", data: PICKLE }, { name: "payload.pkl", data: PICKLE }], { noEnd: true });
    // Keep the first entry and 300 bytes of the second header.
    const cut = tar.subarray(0, 1024 + 300);
    const r = await read(src(cut));
    expect(r.codes).toContain("truncated");
    expect(r.defects).toEqual([expect.objectContaining({ code: "truncated", fatal: true, offset: 1024 })]);
  });

  it("accepts zero padding cut short after the last entry (near-miss)", async () => {
    const tar = buildTar([{ name: "a.pkl", data: PICKLE }], { noEnd: true });
    const r = await read(src(new Uint8Array([...tar, ...new Uint8Array(300)])));
    expect(r.defects).toEqual([]);
  });

  it("stops at the member limit", async () => {
    const tar = buildTar(Array.from({ length: 4 }, (_, i) => ({ name: `f${i}`, data: "x" })));
    const r = await read(src(tar), { maxMembers: 3 });
    expect(r.defects.some((d) => d.code === "limit-exceeded" && d.limit === "maxMembers")).toBe(true);
    expect(r.members.size).toBe(3);
  });

  it("refuses oversized GNU long names", async () => {
    const tar = buildTar([{ name: "n".repeat(70 * 1024), data: "x", longName: "gnu" }]);
    const r = await read(src(tar));
    expect(r.defects.some((d) => d.code === "limit-exceeded")).toBe(true);
    expect(r.document.entries).toHaveLength(1);
  });
});

describe("tar bounds", () => {
  it("lists a 50 MB member while reading only headers", async () => {
    const tar = buildTar([{ name: "big.bin", data: new Uint8Array(50 * 1024 * 1024) }, { name: "small.pkl", data: PICKLE }]);
    const source = new MemorySource(tar);
    const r = await readTar(source, testScanContext());
    expect(r.members.map((m) => m.path)).toEqual(["big.bin", "small.pkl"]);
    expect(source.stats.bytesRead).toBeLessThan(300 * 1024);
  });
});

describe("tarHandler", () => {
  const hint = { name: "x", size: 0, parents: [] };
  it("sniffs ustar and GNU magic strong, a v7 checksum weak, other bytes no", () => {
    expect(tarHandler.sniff(buildTar([{ name: "a", data: "x" }]), hint)).toBe("strong");
    expect(tarHandler.sniff(buildTar([{ name: "a", data: "x", format: "gnu" }]), hint)).toBe("strong");
    expect(tarHandler.sniff(buildTar([{ name: "a", data: "x", format: "v7" }]), hint)).toBe("weak");
    expect(tarHandler.sniff(new Uint8Array(1024).fill(0x41), hint)).toBe("no");
  });

  it("returns undefined for a weak match that is not a tar", async () => {
    expect(await tarHandler.analyze(new MemorySource(new Uint8Array(1024).fill(0x41)), testScanContext())).toBeUndefined();
  });
});
