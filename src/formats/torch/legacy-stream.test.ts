import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource, type ByteSource } from "../../core/byte-source.js";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { everySource } from "../../test-support/stingy-source.js";
import { analyzeLegacy, sniffLegacy } from "./legacy-stream.js";
import type { TorchDocument } from "./types.js";

const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const MAGIC = new P().proto(2).raw(0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).stop().toBytes();
const PROTOCOL = new P().proto(2).raw(0x4d, 0xe9, 0x03).stop().toBytes();
const SYS_INFO = new P().proto(2).emptyDict().unicode("protocol_version").int(1001).setitem().stop().toBytes();

/** A legacy file with one float storage "0" of `numel` elements, its count header and data. */
function legacy(numel: number, options: { magic?: Uint8Array; count?: number; keys?: Uint8Array; tail?: Uint8Array } = {}): Uint8Array {
  const object = new P().proto(2).mark().unicode("storage").global("torch", "FloatStorage").unicode("0").unicode("cpu").int(numel).none().tuple().binpersid().stop().toBytes();
  const keys = options.keys ?? new P().proto(2).emptyList().unicode("0").append().stop().toBytes();
  const count = new Uint8Array(8);
  new DataView(count.buffer).setUint32(0, options.count ?? numel, true);
  const parts = [options.magic ?? MAGIC, PROTOCOL, SYS_INFO, object, keys, count, new Uint8Array(numel * 4), options.tail ?? new Uint8Array(0)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function run(bytes: Uint8Array, make: () => ByteSource = () => new MemorySource(bytes)) {
  const source = make();
  const analysis = await analyzeLegacy(source, testScanContext());
  return { analysis, torch: analysis?.also?.[0]?.document as TorchDocument | undefined, source };
}

describe("sniffLegacy", () => {
  it("knows a legacy file by the magic literal or by the protocol pickle that follows it", () => {
    expect(sniffLegacy(legacy(4))).toBe(true);
    expect(sniffLegacy(legacy(4, { magic: P.call("builtins", "eval", "0x1950a86a20f9469cfc6c") }))).toBe(true);
    expect(sniffLegacy(P.call("collections", "OrderedDict", "x"))).toBe(false);
  });
});

describe.each(["memory", "stingy"])("legacy checkpoints through a %s source", (kind) => {
  const read = (bytes: Uint8Array) => run(bytes, everySource(bytes).find((s) => s.name === kind)!.make);

  it("walks real torch 1.13 files (mixed element sizes, whole modules) to their last byte", async () => {
    for (const file of ["benign/state_dict_legacy.pt", "benign/mixed_dtypes_legacy.pt", "benign/whole_module_legacy.pt"]) {
      const { torch, analysis } = await read(fixture(file));
      expect(analysis?.format, file).toBe("pytorch-legacy");
      expect(torch?.layoutProblems, file).toEqual([]);
      expect(torch?.oddIds, file).toEqual([]);
      expect(analysis?.members?.filter((m) => m.path.startsWith("trailing")), file).toEqual([]);
    }
  });

  it("reports a magic number computed by a call (GHSA-97f8-7cmv-76j2) and still scans every pickle", async () => {
    const { torch, analysis } = await read(legacy(4, { magic: P.call("builtins", "eval", "0x1950a86a20f9469cfc6c") }));
    expect(torch?.layoutProblems.map((p) => p.code)).toEqual(["magic-not-literal"]);
    expect(analysis?.document).toMatchObject({ streams: { length: 5 } });
  });

  it("reports leftover bytes and hands them on to be sniffed", async () => {
    const { torch, analysis } = await read(legacy(4, { tail: P.call("os", "system", "id") }));
    expect(torch?.layoutProblems.map((p) => p.code)).toEqual(["leftover"]);
    expect(analysis?.members?.map((m) => m.path)).toEqual([`trailing@${legacy(4).length}`]);
  });

  it("reports a count that disagrees with the persistent id", async () => {
    const bytes = legacy(4);
    const { torch } = await read(legacy(4, { count: 3, tail: bytes.subarray(0, 0) }).subarray(0, bytes.length - 4));
    expect(torch?.layoutProblems.map((p) => p.code)).toEqual(["count-mismatch"]);
  });

  it("reports counts that run past the end, and key lists that are not lists", async () => {
    expect((await read(legacy(4, { count: 1 << 30 }))).torch?.layoutProblems.map((p) => p.code)).toEqual(["storage-truncated"]);
    const keys = P.call("os", "system", "id");
    expect((await read(legacy(4, { keys }))).torch?.layoutProblems.map((p) => p.code)).toEqual(["keys-unreadable"]);
  });
});

describe("legacy checkpoints read little of the storage data", () => {
  it("reads a few dozen KiB of a 40 MB checkpoint", async () => {
    const { torch, source } = await run(legacy(10_000_000));
    expect(torch?.layoutProblems).toEqual([]);
    expect(source.stats.bytesRead).toBeLessThan(100 * 1024);
  });

  it("leaves a plain concatenation of pickles to the pickle handler", async () => {
    const bytes = new Uint8Array([...P.call("collections", "OrderedDict", "x"), ...P.call("collections", "OrderedDict", "y")]);
    expect((await run(bytes)).analysis).toBeUndefined();
  });
});
