/**
 * The xz, .lzma, bzip2 and 7z handlers through the engine, on the real files of
 * fixtures/generate/gen_archives.sh (names say the expected outcome) and picklescan's
 * malicious1.7z read in place.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { atLeast, type FileReport } from "../../core/finding.js";
import type { FormatAnalysis, FormatHandler } from "../../core/handler.js";
import { scanSource } from "../../engine/scan.js";
import { FORMAT_HANDLERS } from "../index.js";
import { COMPRESSED_FORMATS } from "../../rules/archive/shared.js";
import { crc32 } from "../codecs/crc.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { StingySource } from "../../test-support/stingy-source.js";
import { bzip2Handler, lzmaAloneHandler, sevenZipHandler, xzHandler } from "./index.js";
import type { CompressedDocument } from "./types.js";

const dir = new URL("../../../fixtures/archives/", import.meta.url).pathname;
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(dir + name));
const CONFORMANCE = new URL("../../../../shared/conformance/peers/picklescan/data/malicious1.7z", import.meta.url).pathname;
const EVIL = Uint8Array.from("\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.", (c) => c.charCodeAt(0));
/** The registered handlers plus .lzma, which src/formats/index.ts does not register yet. */
const HANDLERS: FormatHandler[] = [...new Map([...FORMAT_HANDLERS, lzmaAloneHandler].map((h) => [h.id, h])).values()];

function scan(bytes: Uint8Array, path: string, limits = {}): Promise<FileReport> {
  return scanSource(new MemorySource(bytes), { path, handlers: HANDLERS, limits });
}
const dump = (r: FileReport): string => JSON.stringify({ verdict: r.verdict, formats: r.formats, findings: r.findings.map((f) => `${f.ruleId} ${f.location.member ?? ""} ${f.message}`), errors: r.errors }, null, 1);
const ids = (r: FileReport): string[] => [...new Set(r.findings.map((f) => f.ruleId))];

/** Runs a handler through a memory and a stingy source; the analyses must agree. */
async function analyze(handler: FormatHandler, bytes: Uint8Array, name: string, limits = {}): Promise<{ a: FormatAnalysis; doc: CompressedDocument; members: { path: string; bytes: Uint8Array; speculative: boolean }[] }> {
  const results: FormatAnalysis[] = [];
  for (const source of [new MemorySource(bytes), new StingySource(bytes)]) {
    const a = await handler.analyze(source, testScanContext(limits, { name }));
    expect(a).toBeDefined();
    results.push(a!);
  }
  const strip = (a: FormatAnalysis) => ({ ...a, members: a.members?.map((m) => ({ path: m.path, size: m.source.size, speculative: m.speculative })) });
  expect(strip(results[1]!)).toEqual(strip(results[0]!));
  const a = results[0]!;
  const members = await Promise.all((a.members ?? []).map(async (m) => ({ path: m.path, bytes: await m.source.read(0, m.source.size), speculative: m.speculative === true })));
  return { a, doc: a.document as CompressedDocument, members };
}

describe("archives through the engine", () => {
  const files = readdirSync(dir).sort();

  it("has the generated fixtures", () => expect(files.length).toBeGreaterThan(30));

  for (const name of files) {
    it(`${name}`, async () => {
      const r = await scan(fixture(name), name);
      const detail = dump(r);
      if (name.startsWith("malicious-") || name.startsWith("traversal-")) {
        expect(r.verdict, detail).toBe("unsafe");
        expect(ids(r), detail).toContain("PKL001");
      } else if (name.startsWith("ok-")) {
        expect(r.verdict, detail).toBe("clean");
        expect(r.findings.filter((f) => atLeast(f.severity, "medium")), detail).toEqual([]);
      } else if (name.startsWith("encrypted-")) {
        expect(r.verdict, detail).toBe("error");
        expect(r.errors.map((e) => e.code), detail).toContain("encrypted");
      } else if (name.startsWith("unsupported-")) {
        expect(r.verdict, detail).toBe("error");
        expect(r.errors.map((e) => e.code), detail).toContain("unsupported");
      } else if (name.startsWith("bomb-")) {
        // ARC003 reads "lzma" documents once rules/archive/shared.ts lists the format.
        if (!name.endsWith(".lzma") || (COMPRESSED_FORMATS as readonly string[]).includes("lzma")) expect(ids(r), detail).toContain("ARC003");
        expect(r.errors.map((e) => e.code), detail).toContain("limit-exceeded");
      } else {
        throw new Error(`fixture ${name} has no expected outcome in its name`);
      }
    });
  }

  it.skipIf(!existsSync(CONFORMANCE))("finds the pickle in picklescan's malicious1.7z (read in place)", async () => {
    const r = await scan(new Uint8Array(readFileSync(CONFORMANCE)), "malicious1.7z");
    expect(r.verdict, dump(r)).toBe("unsafe");
    expect(r.findings.filter((f) => f.ruleId === "PKL001").map((f) => f.location.member)).toContain("data.pkl");
    expect(r.formats).toEqual(expect.arrayContaining(["7z", "pickle"]));
  });

  it("recurses xz -> tar -> pickle", async () => {
    const r = await scan(fixture("malicious-evil.tar.xz"), "model.tar.xz");
    expect(r.formats).toEqual(expect.arrayContaining(["xz", "tar", "pickle"]));
    expect(r.findings.find((f) => f.ruleId === "PKL001")?.location.member).toBe("model.tar!evil.pkl");
  });

  it("reports bytes after an xz stream as a polyglot and still scans the stream", async () => {
    const bytes = new Uint8Array([...fixture("malicious-evil.pkl.xz"), ...new TextEncoder().encode("PK\x03\x04 tail")]);
    const r = await scan(bytes, "m.pkl.xz");
    expect(ids(r)).toEqual(expect.arrayContaining(["PKL001", "ARC006"]));
  });

  it("fails closed on a bad xz check but still scans what came out", async () => {
    const b = fixture("malicious-evil.pkl.xz").slice();
    const indexAt = b.length - 12 - (new DataView(b.buffer).getUint32(b.length - 8, true) + 1) * 4;
    b[indexAt - 1]! ^= 1;
    const r = await scan(b, "m.pkl.xz");
    expect(r.verdict).toBe("unsafe");
    expect(r.errors.map((e) => e.code)).toContain("crc-mismatch");
  });

  it("does not take text that starts with ']' for an .lzma file", async () => {
    const r = await scan(new TextEncoder().encode("] not compressed at all, just text"), "notes.txt");
    expect(r.formats).toEqual([]);
    expect(r.errors).toEqual([]);
  });
});

describe("handlers", () => {
  it("names the xz, bzip2 and .lzma member after the outer file", async () => {
    expect((await analyze(xzHandler, fixture("malicious-evil.pkl.xz"), "evil.pkl.xz")).members).toEqual([{ path: "evil.pkl", bytes: EVIL, speculative: false }]);
    expect((await analyze(bzip2Handler, fixture("malicious-evil.pkl.bz2"), "evil.pkl.bz2")).members[0]?.path).toBe("evil.pkl");
    const lz = await analyze(lzmaAloneHandler, fixture("malicious-evil.pkl.lzma"), "w.joblib.lzma");
    expect(lz.members).toEqual([{ path: "w.joblib", bytes: EVIL, speculative: false }]);
    expect(lz.doc).toMatchObject({ container: "lzma", streams: 1, outputBytes: EVIL.length });
  });

  it("keeps a bomb's prefix as a guess and stops at the ratio cap", async () => {
    const r = await analyze(xzHandler, fixture("bomb-zeros.xz"), "zeros.bin.xz");
    expect(r.doc.anomalies.map((x) => x.code)).toEqual(["compression-ratio"]);
    expect(r.a.defects[0]).toMatchObject({ code: "limit-exceeded", limit: "MAX_COMPRESSION_RATIO" });
    expect(r.members[0]).toMatchObject({ speculative: true });
    expect(r.members[0]!.bytes.length).toBe(fixture("bomb-zeros.xz").length * 200);
  });

  it("stops at the shared byte budget", async () => {
    const r = await analyze(bzip2Handler, fixture("ok-small.bz2"), "a.bz2", { maxInflatedBytes: 1000 });
    expect(r.doc.anomalies.map((x) => x.code)).toEqual(["output-limit"]);
    expect(r.members[0]!.bytes.length).toBe(1000);
    // In a solid folder the file being decoded at the cap keeps its prefix as a guess.
    const z = await analyze(sevenZipHandler, fixture("ok-solid.7z"), "a.7z", { maxInflatedBytes: 1000 });
    expect(z.doc.anomalies.map((x) => x.code)).toEqual(["output-limit"]);
    expect(z.members.map((m) => [m.path, m.bytes.length, m.speculative])).toEqual([
      ["dir/second.txt", 14, false],
      ["small.txt", 986, true],
    ]);
    // Files after it in the folder are listed as not scanned.
    const n = await analyze(sevenZipHandler, fixture("ok-nonsolid.7z"), "a.7z", { maxInflatedBytes: 10 });
    expect(n.doc.sevenZip?.entries.find((e) => e.name === "small.txt")?.notScanned).toContain("byte budget");
  });

  it("lists 7z entries and hands on every file with data as a member", async () => {
    const r = await analyze(sevenZipHandler, fixture("ok-solid.7z"), "x.7z");
    expect(r.a.defects).toEqual([]);
    expect(r.members.map((m) => [m.path, m.bytes.length, m.speculative])).toEqual([
      ["dir/second.txt", 14, false],
      ["small.txt", 18428, false],
    ]);
    expect(r.doc.sevenZip).toMatchObject({ version: "0.4", headerEncrypted: false, headerMethods: [["LZMA"]], folders: [{ methods: ["LZMA2"], files: 2, unpackSize: 18442 }] });
    expect(r.doc.sevenZip?.entries.map((e) => [e.name, e.kind, e.crc, e.unixMode?.toString(8), e.memberPath])).toEqual([
      ["dir", "directory", "none", "40755", undefined],
      ["dir/empty-dir", "directory", "none", "40755", undefined],
      ["empty.txt", "file", "none", "100644", undefined],
      ["dir/second.txt", "file", "match", "100644", "dir/second.txt"],
      ["small.txt", "file", "match", "100644", "small.txt"],
    ]);
  });

  it("fails closed on encrypted 7z content and lists what was not scanned", async () => {
    const r = await analyze(sevenZipHandler, fixture("encrypted-content.7z"), "x.7z");
    expect(r.members).toEqual([]);
    expect(r.a.defects).toEqual([expect.objectContaining({ code: "encrypted", fatal: true, message: expect.stringContaining('"small.txt"') })]);
    expect(r.doc.anomalies.map((x) => x.code)).toEqual(["encrypted"]);
    const h = await analyze(sevenZipHandler, fixture("encrypted-header.7z"), "x.7z");
    expect(h.doc.sevenZip).toMatchObject({ headerEncrypted: true, entries: [] });
    expect(h.a.defects).toEqual([expect.objectContaining({ code: "encrypted", fatal: true })]);
  });

  it("scans a 7z file whose CRC does not match, and says so", async () => {
    // A Copy-method 7z (plain header) holding evil.pkl with a wrong CRC.
    const header = [0x01, 0x04, 0x06, 0x00, 0x01, 0x09, EVIL.length, 0x00, 0x07, 0x0b, 0x01, 0x00, 0x01, 0x01, 0x00, 0x0c, EVIL.length, 0x0a, 0x01, 1, 2, 3, 4, 0x00, 0x00, 0x05, 0x01, 0x11, 0x13, 0x00, ...Buffer.from("evil.pkl\0", "utf16le"), 0x00, 0x00];
    const h = Uint8Array.from(header);
    const sig = new Uint8Array(32);
    sig.set([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]);
    const dv = new DataView(sig.buffer);
    dv.setBigUint64(12, BigInt(EVIL.length), true);
    dv.setBigUint64(20, BigInt(h.length), true);
    dv.setUint32(28, crc32(h), true);
    dv.setUint32(8, crc32(sig.subarray(12, 32)), true);
    const bytes = new Uint8Array([...sig, ...EVIL, ...h]);
    const r = await scan(bytes, "x.7z");
    expect(r.verdict).toBe("unsafe");
    expect(r.errors.map((e) => e.code)).toContain("crc-mismatch");
    expect(r.findings.find((f) => f.ruleId === "PKL001")?.location.member).toBe("evil.pkl");
  });

  it("keeps a '../' entry name as the member path (ARC001 needs 7z entries wired in rules/archive/shared.ts)", async () => {
    const r = await analyze(sevenZipHandler, fixture("traversal-evil.7z"), "x.7z");
    expect(r.doc.sevenZip?.entries.map((e) => e.name)).toEqual(["../evil.pkl"]);
    expect(r.members.map((m) => m.path)).toEqual(["../evil.pkl"]);
  });
});
