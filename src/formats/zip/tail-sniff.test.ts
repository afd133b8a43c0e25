import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { DEFAULT_LIMITS } from "../../core/limits.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { zipModelHandler } from "../torch/zip-handler.js";
import { sniffZip, zipHandler } from "./handler.js";

const PICKLE = new Uint8Array([0x80, 0x02, 0x63, 0x6f, 0x73, 0x0a, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x0a, 0x2e]);

/** What the engine hands a sniff: the head and the last `tailBytes` of the source. */
function hintOf(bytes: Uint8Array) {
  return { name: "model.bin", size: bytes.length, parents: [], tail: bytes.subarray(Math.max(0, bytes.length - DEFAULT_LIMITS.tailBytes)) };
}

describe("zip recognised at the tail, as zipfile and miniz find it", () => {
  for (const prepend of [5000, 100_000]) {
    it(`recognises a zip behind ${prepend} prepended bytes (a tail claim) and reads it`, async () => {
      const zip = buildZip([{ name: "archive/data.pkl", data: PICKLE }], { prepend: new Uint8Array(prepend).fill(0x20) });
      const head = zip.subarray(0, DEFAULT_LIMITS.headBytes);
      expect(sniffZip(head, { ...hintOf(zip), tail: undefined })).toBe("no");
      expect(sniffZip(head, hintOf(zip))).toBe("tail");
      expect(zipModelHandler.sniff(head, hintOf(zip))).toBe("tail");
      const a = await zipHandler.analyze(new MemorySource(zip), testScanContext());
      expect(a?.members?.map((m) => m.path)).toEqual(["archive/data.pkl", "prepended@0"]);
      expect(a?.members?.[1]).toMatchObject({ speculative: true });
      expect((a?.document as { anomalies: { code: string }[] }).anomalies.map((x) => x.code)).toContain("prepended-data");
    });
  }

  it("recognises a zip with a long comment after the end record", () => {
    const zip = buildZip([{ name: "a", data: "x" }], { prepend: new Uint8Array(8000), comment: new Uint8Array(60_000).fill(0x41) });
    expect(sniffZip(zip.subarray(0, 4096), hintOf(zip))).toBe("tail");
  });

  it("calls a zip followed by other bytes (a zip inside a tar) only a weak match", () => {
    const zip = buildZip([{ name: "a", data: "x" }]);
    const bytes = new Uint8Array([...new Uint8Array(6000), ...zip, ...new Uint8Array(1024)]);
    expect(sniffZip(bytes.subarray(0, 4096), hintOf(bytes))).toBe("weak");
  });

  it("does not call a stray end-record signature a zip (benign near-miss)", () => {
    // "PK\x05\x06" followed by a record declaring a central directory bigger than the file.
    const bytes = new Uint8Array(10_000).fill(0x61);
    bytes.set([0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0, 0xff, 0xff, 0xff, 0x00, 0, 0, 0, 0, 0, 0], 9000);
    expect(sniffZip(bytes.subarray(0, 4096), hintOf(bytes))).toBe("no");
    expect(sniffZip(new TextEncoder().encode("plain text"), hintOf(new TextEncoder().encode("plain text")))).toBe("no");
  });
});
