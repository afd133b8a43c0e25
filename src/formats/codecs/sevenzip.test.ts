import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource, type ByteSource } from "../../core/byte-source.js";
import { pathProblems } from "../../rules/archive/member-path.js";
import { StingySource } from "../../test-support/stingy-source.js";
import { EVIL, concat, enc, fixture, payload, same } from "../../test-support/codec-cases.js";
import { crc32 } from "./crc.js";
import { MAX_7Z_CODERS, MAX_7Z_FILES, MAX_7Z_HEADER_BYTES, MAX_7Z_HEADER_LAYERS } from "./limits.js";
import { NID } from "./sevenzip-header.js";
import { extractFolder, isSevenZip, readSevenZip, type SevenZipArchive, type SevenZipRead } from "./sevenzip.js";
import type { FolderExtraction } from "./sevenzip.js";

const CONFORMANCE = new URL("../../../../shared/conformance/peers/picklescan/data/malicious1.7z", import.meta.url).pathname;

// ---- a minimal 7z writer for adversarial headers (7zFormat.txt) --------------------------------

/** 7z NUMBER: n leading one bits in the first byte count n little-endian bytes that follow. */
function num(v: number): number[] {
  if (v < 0x80) return [v];
  for (let n = 1; n <= 8; n++) {
    if (n === 8 || v < 2 ** (8 * n + 7 - n)) {
      const high = n < 8 ? Math.floor(v / 2 ** (8 * n)) : 0;
      const out = [((0xff << (8 - n)) & 0xff) | high];
      for (let k = 0; k < n; k++) out.push(Math.floor(v / 2 ** (8 * k)) & 0xff);
      return out;
    }
  }
  throw new Error("unreachable");
}
const u32le = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const utf16 = (s: string): number[] => [...Buffer.from(s + "\0", "utf16le")];

/** Signature header + packed data + header, with valid CRCs unless told otherwise. */
function build7z(packed: Uint8Array, header: number[] | Uint8Array, opts: { headerSize?: number; headerOffset?: number } = {}): Uint8Array {
  const h = Uint8Array.from(header);
  const sig = new Uint8Array(32);
  sig.set([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]);
  const dv = new DataView(sig.buffer);
  dv.setBigUint64(12, BigInt(opts.headerOffset ?? packed.length), true);
  dv.setBigUint64(20, BigInt(opts.headerSize ?? h.length), true);
  dv.setUint32(28, crc32(h), true);
  dv.setUint32(8, crc32(sig.subarray(12, 32)), true);
  return concat([sig, packed, h]);
}

/** StreamsInfo for one Copy folder over `size` bytes at `packPos`, with an optional CRC. */
function copyStreams(packPos: number, size: number, crc?: number): number[] {
  return [
    NID.packInfo, ...num(packPos), ...num(1), NID.size, ...num(size), NID.end,
    NID.unpackInfo, NID.folder, ...num(1), 0, ...num(1), 0x01, 0x00, NID.codersUnpackSize, ...num(size),
    ...(crc === undefined ? [] : [NID.crc, 1, ...u32le(crc)]),
    NID.end,
    NID.end,
  ];
}

function namesProperty(names: string[]): number[] {
  const body = [0, ...names.flatMap(utf16)];
  return [NID.name, ...num(body.length), ...body];
}

/** A plain-header archive storing one file with the Copy method. */
function copyArchive(name: string, data: Uint8Array, crc = crc32(data)): Uint8Array {
  return build7z(data, [NID.header, NID.mainStreamsInfo, ...copyStreams(0, data.length, crc), NID.filesInfo, ...num(1), ...namesProperty([name]), NID.end, NID.end]);
}

// ---- reading and extracting everything -----------------------------------------------------

interface Extracted {
  read: SevenZipRead;
  files: Map<string, Uint8Array>;
  crc: Map<string, boolean | undefined>;
  folders: FolderExtraction[];
}

async function extractFrom(source: ByteSource, maxOutput: number): Promise<Extracted> {
  const read = await readSevenZip(source);
  const files = new Map<string, Uint8Array>();
  const crc = new Map<string, boolean | undefined>();
  const folders: FolderExtraction[] = [];
  if (!read.ok) return { read, files, crc, folders };
  const a: SevenZipArchive = read.archive;
  for (let f = 0; f < a.folders.length; f++) {
    const names = new Map<number, string>();
    for (const file of a.files) if (file.folder === f) names.set(file.substream!, file.name);
    const parts = new Map<number, Uint8Array[]>();
    folders.push(
      await extractFolder(source, a, {
        folder: f,
        maxOutput,
        handler: {
          onData: (k, chunk) => (parts.set(k, [...(parts.get(k) ?? []), chunk.slice()]), true),
          onEnd: (k, ok) => crc.set(names.get(k)!, ok),
        },
      }),
    );
    for (const [k, p] of parts) files.set(names.get(k)!, concat(p));
  }
  return { read, files, crc, folders };
}

/** Extracts through a memory and a stingy source; both must agree. */
async function extract(bytes: Uint8Array, maxOutput = 2 ** 30): Promise<Extracted> {
  const a = await extractFrom(new MemorySource(bytes), maxOutput);
  const b = await extractFrom(new StingySource(bytes), maxOutput);
  expect(b.read).toEqual(a.read);
  expect(b.folders).toEqual(a.folders);
  expect([...b.files.keys()]).toEqual([...a.files.keys()]);
  for (const [k, v] of a.files) expect(same(b.files.get(k)!, v)).toBe(true);
  return a;
}

const listing = (r: SevenZipRead) => (r.ok ? r.archive.files.map((f) => `${f.name}:${f.isDirectory ? "dir" : f.hasStream ? f.size : "empty"}`) : []);

describe("7z archives made by 7-Zip", () => {
  const small = payload(600);
  const second = enc.encode("second stream\n");

  it.each(["ok-lzma.7z", "ok-lzma2.7z", "ok-bzip2.7z", "ok-deflate.7z", "ok-copy.7z", "ok-solid.7z", "ok-nonsolid.7z", "ok-plain-header.7z", "ok-bcj.7z"])("lists and extracts %s", async (name) => {
    const bytes = fixture(name);
    expect(isSevenZip(bytes)).toBe(true);
    const r = await extract(bytes);
    expect(listing(r.read)).toEqual(["dir:dir", "dir/empty-dir:dir", "empty.txt:empty", "dir/second.txt:14", "small.txt:18428"]);
    expect(r.folders.every((f) => f.status === "done")).toBe(true);
    expect(same(r.files.get("small.txt")!, small)).toBe(true);
    expect(same(r.files.get("dir/second.txt")!, second)).toBe(true);
    expect([...r.crc.values()]).toEqual([true, true]);
    if (r.read.ok) expect(r.read.archive.headerMethods.length).toBe(name === "ok-plain-header.7z" ? 0 : 1);
  });

  it("reads the Unix mode from the attributes", async () => {
    const r = await readSevenZip(new MemorySource(fixture("ok-lzma2.7z")));
    const attrs = r.ok ? r.archive.files.map((f) => (f.attributes! >>> 16).toString(8)) : [];
    expect(attrs).toEqual(["40755", "40755", "100644", "100644", "100644"]);
  });

  it("fails closed on an encrypted header and on encrypted content", async () => {
    const header = await extract(fixture("encrypted-header.7z"));
    expect(header.read).toMatchObject({ ok: false, defect: { code: "encrypted" } });
    const content = await extract(fixture("encrypted-content.7z"));
    expect(listing(content.read)).toContain("small.txt:18428");
    expect(content.folders[0]).toMatchObject({ status: "failed", defect: { code: "encrypted" } });
    expect(content.files.size).toBe(0);
  });

  it("reports branch filters other than x86 as unsupported", async () => {
    const r = await extract(fixture("unsupported-arm64.7z"));
    expect(r.folders[0]).toMatchObject({ status: "failed", defect: { code: "unsupported", message: expect.stringContaining("ARM64") } });
  });

  it("keeps a '../' name as the entry name, for the path rules to judge", async () => {
    const r = await extract(fixture("traversal-evil.7z"));
    expect(listing(r.read)).toEqual(["../evil.pkl:34"]);
    expect(pathProblems("../evil.pkl")).toEqual(["has a '..' segment"]);
    expect(same(r.files.get("../evil.pkl")!, EVIL)).toBe(true);
  });

  it.skipIf(!existsSync(CONFORMANCE))("opens picklescan's malicious1.7z (nullifAI-style, BCJ + LZMA2) in place", async () => {
    const r = await extract(new Uint8Array(readFileSync(CONFORMANCE)));
    expect(listing(r.read)).toEqual(["data.pkl:51"]);
    const text = new TextDecoder("latin1").decode(r.files.get("data.pkl"));
    expect(text).toContain("builtins");
    expect(text).toContain("eval");
    expect(r.crc.get("data.pkl")).toBe(true);
  });

  it("never throws on a truncated archive", async () => {
    const b = fixture("ok-solid.7z");
    for (let cut = 0; cut < b.length; cut += 53) {
      const r = await extract(b.subarray(0, cut));
      expect(r.read.ok, `cut ${cut}`).toBe(false);
    }
  });

  it("stops a bomb at maxOutput + 1 bytes", async () => {
    const r = await extract(fixture("bomb-zeros.7z"), 4 << 20);
    expect(r.folders[0]).toMatchObject({ status: "stopped", produced: (4 << 20) + 1 });
  });
});

describe("7z headers built byte by byte", () => {
  it("extracts a Copy archive and checks its CRC", async () => {
    const ok = await extract(copyArchive("model.pkl", EVIL));
    expect(same(ok.files.get("model.pkl")!, EVIL)).toBe(true);
    expect(ok.crc.get("model.pkl")).toBe(true);
    const bad = await extract(copyArchive("model.pkl", EVIL, 0x12345678));
    expect(same(bad.files.get("model.pkl")!, EVIL)).toBe(true);
    expect(bad.crc.get("model.pkl")).toBe(false);
  });

  it("reads an empty archive", async () => {
    const r = await readSevenZip(new MemorySource(build7z(new Uint8Array(0), [])));
    expect(r).toMatchObject({ ok: true, archive: { files: [], folders: [] } });
  });

  it("checks the signature header", async () => {
    const good = copyArchive("a", EVIL);
    const badStart = good.slice();
    badStart[12]! ^= 1;
    expect(await readSevenZip(new MemorySource(badStart))).toMatchObject({ ok: false, defect: { code: "corrupt", message: expect.stringContaining("start header CRC") } });
    const badNext = good.slice();
    badNext[badNext.length - 1]! ^= 1;
    expect(await readSevenZip(new MemorySource(badNext))).toMatchObject({ ok: false, defect: { message: "7z header CRC does not match" } });
    const far = build7z(EVIL, [NID.header, NID.end], { headerOffset: 10_000 });
    expect(await readSevenZip(new MemorySource(far))).toMatchObject({ ok: false, defect: { code: "truncated" } });
    const v1 = good.slice();
    v1[6] = 1;
    new DataView(v1.buffer).setUint32(8, crc32(v1.subarray(12, 32)), true);
    expect(await readSevenZip(new MemorySource(v1))).toMatchObject({ ok: false, defect: { code: "unsupported" } });
  });

  it("bounds the header size at MAX_7Z_HEADER_BYTES (at the limit and one past)", async () => {
    const at = await readSevenZip(new MemorySource(build7z(new Uint8Array(0), [NID.header, NID.end], { headerSize: MAX_7Z_HEADER_BYTES })));
    expect(at).toMatchObject({ ok: false, defect: { code: "truncated" } });
    const past = await readSevenZip(new MemorySource(build7z(new Uint8Array(0), [NID.header, NID.end], { headerSize: MAX_7Z_HEADER_BYTES + 1 })));
    expect(past).toMatchObject({ ok: false, defect: { code: "limit-exceeded", limit: "MAX_7Z_HEADER_BYTES" } });
  });

  it("bounds the file count at MAX_7Z_FILES (at the limit and one past)", async () => {
    const files = (n: number): number[] => {
      const bits = new Array<number>(Math.ceil(n / 8)).fill(0xff);
      return [NID.header, NID.filesInfo, ...num(n), NID.emptyStream, ...num(bits.length), ...bits, NID.end, NID.end];
    };
    const at = await readSevenZip(new MemorySource(build7z(new Uint8Array(0), files(MAX_7Z_FILES))));
    expect(at.ok && at.archive.files.length).toBe(MAX_7Z_FILES);
    const past = await readSevenZip(new MemorySource(build7z(new Uint8Array(0), files(MAX_7Z_FILES + 1))));
    expect(past).toMatchObject({ ok: false, defect: { code: "limit-exceeded", limit: "MAX_7Z_FILES" } });
  });

  it("bounds coders per folder at MAX_7Z_CODERS (at the limit and one past)", async () => {
    const folder = (n: number): number[] => {
      const coders = Array.from({ length: n }, () => [0x01, 0x00]).flat();
      const binds = Array.from({ length: n - 1 }, (_, k) => [...num(k), ...num(k + 1)]).flat();
      const sizes = Array.from({ length: n }, () => num(EVIL.length)).flat();
      return [NID.header, NID.mainStreamsInfo, NID.packInfo, 0, 1, NID.size, ...num(EVIL.length), NID.end, NID.unpackInfo, NID.folder, 1, 0, ...num(n), ...coders, ...binds, NID.codersUnpackSize, ...sizes, NID.end, NID.end, NID.end];
    };
    const at = await extract(build7z(EVIL, folder(MAX_7Z_CODERS)));
    expect(at.read.ok).toBe(true);
    expect(at.folders[0]).toMatchObject({ status: "failed", defect: { code: "unsupported" } });
    const past = await readSevenZip(new MemorySource(build7z(EVIL, folder(MAX_7Z_CODERS + 1))));
    expect(past).toMatchObject({ ok: false, defect: { code: "limit-exceeded", limit: "MAX_7Z_CODERS" } });
  });

  it("bounds encoded-header layers at MAX_7Z_HEADER_LAYERS (at the limit and one past)", async () => {
    const nested = (layers: number): Uint8Array => {
      // Innermost: a real header listing one Copy file; each layer stores the next one with Copy.
      const file = EVIL;
      let inner = Uint8Array.from([NID.header, NID.mainStreamsInfo, ...copyStreams(0, file.length, crc32(file)), NID.filesInfo, ...num(1), ...namesProperty(["evil.pkl"]), NID.end, NID.end]);
      const blobs: Uint8Array[] = [file];
      let packPos = file.length;
      for (let k = 0; k < layers; k++) {
        blobs.push(inner);
        inner = Uint8Array.from([NID.encodedHeader, ...copyStreams(packPos, inner.length, crc32(inner))]);
        packPos += blobs[blobs.length - 1]!.length;
      }
      return build7z(concat(blobs), inner);
    };
    const at = await extract(nested(MAX_7Z_HEADER_LAYERS));
    expect(at.read).toMatchObject({ ok: true });
    expect(same(at.files.get("evil.pkl")!, EVIL)).toBe(true);
    const past = await readSevenZip(new MemorySource(nested(MAX_7Z_HEADER_LAYERS + 1)));
    expect(past).toMatchObject({ ok: false, defect: { code: "limit-exceeded", limit: "MAX_7Z_HEADER_LAYERS" } });
  });

  it("rejects counts that cannot fit in the header and numbers past 2^53", async () => {
    const many = await readSevenZip(new MemorySource(build7z(new Uint8Array(0), [NID.header, NID.mainStreamsInfo, NID.unpackInfo, NID.folder, ...num(5000), 0, NID.end])));
    expect(many).toMatchObject({ ok: false, defect: { code: "truncated", message: expect.stringContaining("cannot fit") } });
    const huge = await readSevenZip(new MemorySource(build7z(new Uint8Array(0), [NID.header, NID.mainStreamsInfo, NID.packInfo, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x40, 1, NID.end])));
    expect(huge).toMatchObject({ ok: false, defect: { code: "limit-exceeded", message: expect.stringContaining("past 2^53") } });
  });
});
