import { describe, expect, it } from "vitest";
import { concat, decodeBoth, enc, fixture, payload, same } from "../../test-support/codec-cases.js";
import { decodeBzip2, isBzip2Header } from "./bzip2.js";

const bz = (bytes: Uint8Array, maxOutput?: number) => decodeBoth(decodeBzip2, bytes, maxOutput);

describe("bzip2", () => {
  const small = payload(600);

  it.each([
    ["ok-small.bz2", small, 1],
    ["ok-big-1.bz2", payload(3500), 1],
    ["ok-multistream.bz2", concat([small, enc.encode("second stream\n")]), 2],
  ])("decodes %s like bzip2(1) does", async (name, expected, streams) => {
    const bytes = fixture(name);
    expect(isBzip2Header(bytes)).toBe(true);
    const r = await bz(bytes);
    expect(r.result).toMatchObject({ status: "done", notes: [], streams, produced: expected.length });
    expect(same(r.output, expected)).toBe(true);
  });

  it("decodes the wrapped pickle", async () => {
    const r = await bz(fixture("malicious-evil.pkl.bz2"));
    expect(new TextDecoder("latin1").decode(r.output)).toContain("cposix\nsystem\n");
  });

  it("checks the block CRC and the stream CRC", async () => {
    const block = fixture("ok-small.bz2").slice();
    block[10]! ^= 0x01;
    const r = await bz(block);
    expect(r.result.defect).toMatchObject({ code: "crc-mismatch", message: expect.stringContaining("block CRC") });
    // The block's data still came out: a loader reading incrementally would have used it.
    expect(same(r.output, small)).toBe(true);
    const stream = fixture("ok-small.bz2").slice();
    stream[stream.length - 2]! ^= 0x01;
    expect((await bz(stream)).result.defect).toMatchObject({ code: "crc-mismatch", message: expect.stringContaining("stream CRC") });
  });

  it("reports randomised blocks (bzip2 0.9.0) as unsupported", async () => {
    const b = fixture("ok-small.bz2").slice();
    b[14]! |= 0x80;
    expect((await bz(b)).result.defect).toMatchObject({ code: "unsupported", message: expect.stringContaining("randomised") });
  });

  it("reports bytes after the last stream and rejects a missing header", async () => {
    const base = fixture("ok-small.bz2");
    const junk = await bz(concat([base, enc.encode("PK\x03\x04 tail")]));
    expect(junk.result).toMatchObject({ status: "done", notes: [expect.objectContaining({ code: "appended-data", offset: base.length })] });
    expect((await bz(enc.encode("BZh0 not bzip2"))).result.defect).toMatchObject({ code: "corrupt" });
    const badMagic = base.slice();
    badMagic[4] = 0;
    expect((await bz(badMagic)).result.defect?.message).toContain("neither a block nor the end");
  });

  it("returns a defect with the decoded prefix for every truncation, never throws", async () => {
    const b = fixture("ok-big-1.bz2");
    const big = payload(3500);
    for (let cut = 0; cut < b.length; cut += 331) {
      const r = await bz(b.subarray(0, cut));
      expect(r.result.status, `cut ${cut}`).toBe("failed");
      expect(r.result.defect?.code, `cut ${cut}`).toBe("truncated");
      expect(same(r.output, big.subarray(0, r.output.length)), `cut ${cut}`).toBe(true);
    }
    // The first block (100k) survives a cut in the second.
    expect((await bz(b.subarray(0, b.length - 100))).output.length).toBeGreaterThanOrEqual(99_000);
  });

  it("stops at maxOutput + 1 bytes, and stops a 1:1,000,000 bomb inside its first block", async () => {
    const r = await bz(fixture("ok-small.bz2"), 100);
    expect(r.result.status).toBe("stopped");
    expect(same(r.output, small.subarray(0, 101))).toBe(true);
    const bomb = fixture("bomb-zeros.bz2");
    expect(bomb.length).toBeLessThan(300);
    const stopped = await bz(bomb, 1 << 20);
    expect(stopped.result).toMatchObject({ status: "stopped", produced: (1 << 20) + 1 });
  });
});
