import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource, SliceSource, type ByteSource } from "../../core/byte-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { everySource } from "../../test-support/stingy-source.js";
import { hdf5Handler } from "./handler.js";
import { MAX_HDF5_BYTES } from "./limits.js";
import { HDF5_SIGNATURE } from "./superblock.js";
import { walkHdf5 } from "./walk.js";

const FIXTURES = new URL("../../../fixtures/keras/", import.meta.url).pathname;
const fixture = (name: string) => new Uint8Array(readFileSync(`${FIXTURES}${name}`));
const indexOf = (b: Uint8Array, text: string) => Buffer.from(b).indexOf(text);

describe("HDF5 walk", () => {
  it("lists links, external storage and virtual datasets of every group", () => {
    const { facts, attributes, defects } = walkHdf5(fixture("malicious/legacy_external_storage.h5"), 0);
    expect(defects).toEqual([]);
    expect(facts.externalLinks.map((l) => [l.path, l.file, l.target])).toEqual([["/model_weights/dense/leak", "/root/.ssh/id_rsa", "/x"]]);
    expect(facts.externalStorage.map((s) => [s.path, s.files.map((f) => f.name)])).toEqual([["/model_weights/dense/dense/efl:0", ["/etc/shadow"]]]);
    expect(facts.virtualDatasets.map((v) => [v.path, v.sources])).toEqual([["/model_weights/dense/dense/vds:0", [{ file: "/var/secrets/keys.h5", dataset: "data" }]]]);
    expect([...attributes.keys()].sort()).toEqual(["backend", "keras_version", "model_config", "training_config"]);
  });

  it("reads links kept in dense storage (fractal heap) with its own link decoder", () => {
    const { facts, defects } = walkHdf5(fixture("malicious/dense_group_external_link.h5"), 0);
    expect(defects).toEqual([]);
    expect(facts.externalLinks.map((l) => l.path)).toEqual(["/model_weights/zz_leak"]);
    expect(facts.objects).toBeGreaterThan(12);
  });

  it("visits each B-tree node once when a node points back at itself", () => {
    const bytes = fixture("benign/legacy_dense.h5").slice();
    const tree = indexOf(bytes, "TREE");
    bytes[tree + 5] = 1; // node level 1: children are B-tree nodes
    new DataView(bytes.buffer).setBigUint64(tree + 32, BigInt(tree), true); // child 0: the node itself
    const { defects } = walkHdf5(bytes, 0);
    expect(defects.map((d) => d.message).join("\n")).toContain("reached twice (a cycle)");
  });

  it("turns a bad object header address into a defect, not an exception", () => {
    const bytes = fixture("benign/legacy_dense.h5").slice();
    new DataView(bytes.buffer).setBigUint64(64, BigInt(bytes.length - 4), true); // root object header address
    const { defects } = walkHdf5(bytes, 0);
    expect(defects.map((d) => d.code)).toEqual(["hdf5-object-header"]);
  });

  it("fails closed on an object header that continues into itself", () => {
    const bytes = fixture("benign/legacy_dense.h5").slice();
    const view = new DataView(bytes.buffer);
    // The root object header (v1 at 96) starts with a continuation message whose body is at 120.
    expect(view.getUint16(112, true)).toBe(0x10);
    view.setBigUint64(120, 112n, true); // continue into the block the message sits in
    const { defects } = walkHdf5(bytes, 0);
    expect(defects).toContainEqual(expect.objectContaining({ code: "hdf5-object-header", fatal: true, message: expect.stringContaining("(a cycle)") }));
  });

  it("fails closed on a dataset that declares more than the file can hold (shape bomb)", () => {
    const bytes = fixture("benign/legacy_dense.h5").slice();
    const view = new DataView(bytes.buffer);
    // Dataspace message (v1, rank 2, dims [4, 2]) of the dense kernel: dims at 8488.
    expect([view.getUint16(8472, true), bytes[8480], bytes[8481], Number(view.getBigUint64(8488, true))]).toEqual([1, 1, 2, 4]);
    view.setBigUint64(8488, 2n ** 40n, true);
    const { defects } = walkHdf5(bytes, 0);
    expect(defects).toContainEqual(expect.objectContaining({ code: "hdf5-shape-bomb", fatal: true, limit: "MAX_HDF5_DECLARED_RATIO" }));
  });

  it("accepts datasets that fit (benign near-miss for both checks)", () => {
    for (const name of ["benign/legacy_dense.h5", "benign/legacy_dense_userblock.h5"]) {
      const base = name.endsWith("userblock.h5") ? 512 : 0;
      expect(walkHdf5(fixture(name).subarray(base), base).defects.filter((d) => d.code === "hdf5-shape-bomb" || d.code === "hdf5-object-header")).toEqual([]);
    }
  });

  it("rejects superblocks it cannot read", () => {
    const bytes = fixture("benign/legacy_dense.h5").slice();
    bytes[13] = 4; // 4-byte offsets
    expect(walkHdf5(bytes, 0).defects[0]?.message).toContain("only 8-byte ones are supported");
  });
});

describe("HDF5 handler", () => {
  it("reads the same through every source", async () => {
    const bytes = fixture("malicious/legacy_lambda_bytecode.h5");
    const docs = new Set<string>();
    for (const { make } of everySource(bytes)) {
      const analysis = await hdf5Handler.analyze(make(), testScanContext({}, { name: "model.h5" }));
      docs.add(JSON.stringify(analysis?.document));
    }
    expect(docs.size).toBe(1);
  });

  it(`reports files over MAX_HDF5_BYTES as unscanned instead of loading them`, async () => {
    const head = new Uint8Array(64);
    head.set(HDF5_SIGNATURE);
    const huge: ByteSource = {
      size: MAX_HDF5_BYTES + 1,
      stats: { bytesRead: 0, reads: 0 },
      read: (offset, length) => Promise.resolve(offset === 0 && length <= head.length ? head.subarray(0, length) : Promise.reject(new Error(`unexpected read ${offset}+${length}`))),
      slice(offset, length) {
        return new SliceSource(this, offset, length);
      },
    };
    const analysis = await hdf5Handler.analyze(huge, testScanContext());
    expect(analysis?.defects.map((d) => [d.code, d.limit, d.fatal])).toEqual([["limit-exceeded", "MAX_HDF5_BYTES", true]]);
  });

  it("finds the superblock after a user block and reads addresses from there", async () => {
    const analysis = await hdf5Handler.analyze(new MemorySource(fixture("benign/legacy_dense_userblock.h5")), testScanContext());
    expect(analysis?.format).toBe("keras-h5");
    expect(analysis?.defects).toEqual([]);
    expect(analysis?.notes?.[0]).toContain("offset 512");
  });

  it("calls an HDF5 file without model_config or training_config plain hdf5", async () => {
    const bytes = fixture("benign/legacy_dense.h5").slice();
    for (const name of ["model_config", "training_config"]) bytes.set(new TextEncoder().encode(`x${name.slice(1)}`), indexOf(bytes, name));
    const analysis = await hdf5Handler.analyze(new MemorySource(bytes), testScanContext());
    expect(analysis?.format).toBe("hdf5");
  });
});
