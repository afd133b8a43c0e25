import { describe, expect, it } from "vitest";
import { MemorySource, type ByteSource } from "../../core/byte-source.js";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { everySource } from "../../test-support/stingy-source.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { readZip } from "../zip/index.js";
import { TORCH_PICKLE } from "./pickle-member.js";
import type { TorchDocument } from "./types.js";
import { findTorchArchive } from "./zip-archive.js";
import { zipModelHandler } from "./zip-handler.js";

interface Storage {
  key: string;
  numel: number;
  type?: string;
}

/** data.pkl of torch.save({t0: tensor, …}): one `_rebuild_tensor_v2` per storage id. */
function dataPkl(storages: Storage[], tail?: (p: P) => void): Uint8Array {
  const p = new P().proto(2).emptyDict().mark();
  storages.forEach((s, i) => {
    p.unicode(`t${i}`).global("torch._utils", "_rebuild_tensor_v2").mark();
    p.mark().unicode("storage").global("torch", s.type ?? "FloatStorage").unicode(s.key).unicode("cpu").int(s.numel).tuple().binpersid();
    p.int(0).mark().int(s.numel).tuple().mark().int(1).tuple().raw(0x89).global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
    tail?.(p);
  });
  return p.setitems().stop().toBytes();
}

function checkpoint(storages: Storage[], records: Record<string, number | Uint8Array>, pkl = dataPkl(storages)): Uint8Array {
  return buildZip([
    { name: "archive/data.pkl", data: pkl },
    ...Object.entries(records).map(([key, size]) => ({ name: `archive/data/${key}`, data: typeof size === "number" ? new Uint8Array(size) : size })),
    { name: "archive/version", data: "3\n" },
  ]);
}

async function analyze(bytes: Uint8Array, make: () => ByteSource = () => new MemorySource(bytes)) {
  const source = make();
  const analysis = await zipModelHandler.analyze(source, testScanContext());
  const torch = analysis?.also?.[0]?.document as TorchDocument | undefined;
  return { analysis, torch, source };
}

describe("findTorchArchive", () => {
  const doc = async (entries: { name: string; data?: string }[]) => (await readZip(new MemorySource(buildZip(entries)), testScanContext())).document;

  it("takes the prefix from the first central-directory entry, like PyTorchStreamReader", async () => {
    const a = findTorchArchive(await doc([{ name: "model/version", data: "3" }, { name: "model/data.pkl", data: "x" }, { name: "other/data.pkl", data: "x" }]));
    expect(a).toMatchObject({ prefix: "model", kind: "checkpoint" });
    expect(a?.outside.map((e) => e.name)).toEqual(["other/data.pkl"]);
  });

  it("calls an archive with constants.pkl TorchScript", async () => {
    expect(findTorchArchive(await doc([{ name: "m/data.pkl" }, { name: "m/constants.pkl" }]))?.kind).toBe("torchscript");
  });

  it("does not take a zip whose first entry is not in a folder, or has no data.pkl", async () => {
    expect(findTorchArchive(await doc([{ name: "data.pkl" }, { name: "archive/data.pkl" }]))).toBeUndefined();
    expect(findTorchArchive(await doc([{ name: "archive/weights.bin" }]))).toBeUndefined();
  });
});

describe.each(["memory", "stingy"])("torch zip checkpoints through a %s source", (kind) => {
  const run = (bytes: Uint8Array) => analyze(bytes, everySource(bytes).find((s) => s.name === kind)!.make);

  it("matches every storage id to a record of exactly numel x element size", async () => {
    const { torch, analysis } = await run(checkpoint([{ key: "0", numel: 4 }, { key: "1", numel: 3, type: "HalfStorage" }, { key: "2", numel: 2, type: "LongStorage" }], { 0: 16, 1: 6, 2: 16 }));
    expect(analysis?.format).toBe("zip");
    expect(torch).toMatchObject({ format: "pytorch-zip", prefix: "archive", version: "3", storageProblems: [], oddIds: [], mutations: [], pickles: ["archive/data.pkl"] });
    expect(torch?.storages.map((s) => [s.key, s.elementSize, s.numel, s.record])).toEqual([
      ["0", 4, 4, "archive/data/0"],
      ["1", 2, 3, "archive/data/1"],
      ["2", 8, 2, "archive/data/2"],
    ]);
  });

  it("reports a record shorter than its storage (CVE-2026-24747), longer, missing and unreferenced ones", async () => {
    const { torch } = await run(checkpoint([{ key: "0", numel: 1024 }, { key: "1", numel: 2 }, { key: "2", numel: 1 }], { 0: 16, 1: 12, 9: 4 }));
    expect(torch?.storageProblems.map((p) => `${p.code} ${p.member}`)).toEqual(["short archive/data.pkl", "long archive/data.pkl", "missing archive/data.pkl", "extra archive/data/9"]);
  });

  it("reports one key declared with two sizes", async () => {
    const { torch } = await run(checkpoint([{ key: "0", numel: 4 }, { key: "0", numel: 8 }], { 0: 32 }));
    expect(torch?.storageProblems.map((p) => p.code)).toEqual(["long", "key-conflict"]);
  });

  it("reports SETITEM into a rebuilt tensor and ids that are not storage ids", async () => {
    const pkl = dataPkl([{ key: "0", numel: 4 }], (p) => p.int(0).int(5).setitem());
    const odd = new P().proto(2).mark().unicode("module").unicode("x").tuple().binpersid().stop().toBytes();
    expect((await run(checkpoint([{ key: "0", numel: 4 }], { 0: 16 }, pkl))).torch?.mutations).toMatchObject([{ op: "SETITEM", pickle: "archive/data.pkl" }]);
    expect((await run(checkpoint([], {}, odd))).torch?.oddIds).toMatchObject([{ reason: "first item is 'module', not 'storage'" }]);
  });

  it("hands data.pkl on pre-parsed, and storage records only when they start like a pickle", async () => {
    const hidden = P.call("os", "system", "id", 2);
    const { analysis } = await run(checkpoint([{ key: "0", numel: 4 }, { key: "1", numel: 16 }], { 0: 16, 1: new Uint8Array([...hidden, ...new Uint8Array(64 - hidden.length)]) }));
    expect(analysis?.members?.map((m) => [m.path, m.forceFormat, m.speculative ?? false])).toEqual([
      ["archive/data.pkl", TORCH_PICKLE, false],
      ["archive/data/1", "pickle", true],
      ["archive/version", undefined, false],
    ]);
  });
});

describe("torch zip checkpoints read little of the tensor data", () => {
  it("reads the zip directory and a few bytes per record of a checkpoint with a 32 MiB tensor", async () => {
    const big = 8 * 1024 * 1024;
    const { torch, source } = await analyze(checkpoint([{ key: "0", numel: big }], { 0: big * 4 }));
    expect(torch?.storageProblems).toEqual([]);
    // The zip reader looks for the end record in the last 64 KiB; the tensor itself is never read.
    expect(source.stats.bytesRead).toBeLessThan(128 * 1024);
  });
});
