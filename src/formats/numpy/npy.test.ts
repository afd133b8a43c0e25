import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { everySource } from "../../test-support/stingy-source.js";
import { NUMPY_MAX_HEADER_SIZE, readNpy } from "./npy.js";

const enc = new TextEncoder();

/** A .npy as numpy.save writes it: magic, version, length, header padded to 64 with a newline. */
function npy(header: string, body: Uint8Array | number, version: 1 | 2 | 3 = 1): Uint8Array {
  const lengthBytes = version === 1 ? 2 : 4;
  const raw = enc.encode(header);
  const pad = 64 - ((8 + lengthBytes + raw.length + 1) % 64);
  const text = new Uint8Array(raw.length + pad + 1).fill(0x20);
  text.set(raw);
  text[text.length - 1] = 0x0a;
  const data = typeof body === "number" ? new Uint8Array(body) : body;
  const out = new Uint8Array(8 + lengthBytes + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, 8 + lengthBytes);
  out.set(data, 8 + lengthBytes + text.length);
  return out;
}

const F8_2x3 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";

describe.each(["memory", "stingy"])("readNpy through a %s source", (kind) => {
  const read = (bytes: Uint8Array) => readNpy(everySource(bytes).find((s) => s.name === kind)!.make());

  it("reads a version 1.0 header and finds the data exactly the right size", async () => {
    const doc = await read(npy(F8_2x3, 48));
    expect(doc.dataOffset % 64).toBe(0);
    expect(doc).toMatchObject({ version: "1.0", descr: "'<f8'", fortranOrder: false, shape: [2, 3], expectedDataBytes: 48, dataBytes: 48, objectArray: false, problems: [], unusual: [] });
  });

  it("reads version 2.0 and 3.0 (UTF-8) headers", async () => {
    expect((await read(npy("{'descr': '<i4', 'fortran_order': True, 'shape': (4,), }", 16, 2))).problems).toEqual([]);
    const v3 = await read(npy("{'descr': [('größe', '<f4')], 'fortran_order': False, 'shape': (2,), }", 8, 3));
    expect(v3).toMatchObject({ version: "3.0", problems: [], dtype: { fields: 1, itemsize: 4 } });
  });

  it("flags object arrays (the data is a pickle)", async () => {
    const doc = await read(npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new Uint8Array([0x80, 0x03, 0x4e, 0x2e])));
    expect(doc.objectArray).toBe(true);
    expect(doc.expectedDataBytes).toBeUndefined();
  });

  it("reports data that is too short or too long", async () => {
    expect((await read(npy(F8_2x3, 40))).problems.map((p) => p.code)).toEqual(["data-short"]);
    const long = await read(npy(F8_2x3, 60));
    expect(long.problems).toMatchObject([{ code: "data-long", offset: long.dataOffset + 48 }]);
  });

  it("refuses headers numpy refuses, saying why", async () => {
    const codes = async (header: string) => (await read(npy(header, 48))).problems.map((p) => p.code);
    expect(await codes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x': 1}")).toEqual(["header-keys"]);
    expect(await codes("{'descr': eval('1'), 'fortran_order': False, 'shape': (2, 3)}")).toEqual(["header-not-literal"]);
    expect(await codes("{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 3)}")).toContain("header-values");
    expect(await codes("{'descr': '<f8', 'fortran_order': False, 'shape': [2, 3]}")).toContain("header-values");
    expect(await codes("['descr']")).toEqual(["header-values"]);
  });

  it("refuses unknown versions and truncated preambles", async () => {
    const bad = npy(F8_2x3, 48);
    bad[6] = 4;
    expect((await read(bad)).problems.map((p) => p.code)).toEqual(["unsupported-version"]);
    expect((await read(npy(F8_2x3, 48).subarray(0, 9))).problems.map((p) => p.code)).toEqual(["header-truncated"]);
    expect((await read(npy(F8_2x3, 0).subarray(0, 40))).problems.map((p) => p.code)).toEqual(["header-truncated"]);
  });

  it("flags headers over numpy's size limit and reads them only up to its own", async () => {
    const long = npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }${" ".repeat(NUMPY_MAX_HEADER_SIZE)}`, 48, 2);
    expect((await read(long)).problems.map((p) => p.code)).toEqual(["header-too-long"]);
    const huge = npy(F8_2x3, 0, 2);
    new DataView(huge.buffer).setUint32(8, 0x7fffffff, true);
    expect((await read(huge)).problems.map((p) => p.code)).toEqual(["header-truncated"]);
  });
});

describe("readNpy reads the header only", () => {
  it("reads a few hundred bytes of a 64 MiB array", async () => {
    const src = new MemorySource(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4096, 4096), }", 4096 * 4096 * 4));
    const doc = await readNpy(src);
    expect(doc.problems).toEqual([]);
    expect(src.stats.bytesRead).toBeLessThan(200);
  });
});
