import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../core/limits.js";
import { CountingSource, ReadLog } from "../core/read-log.js";
import { scanSource } from "../engine/scan.js";
import { ValueType } from "../formats/gguf/constants.js";
import { GgufBuilder } from "../test-support/gguf-builder.js";
import { FileSource, WHOLE_FILE_BYTES } from "./file-source.js";

// "Read each byte once": what reaches the file, counted by the source's own log, against what the
// parsers asked for. These are counts, not timings: they fail on a regression in any machine.

const fixtures = new URL("../../fixtures/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "modelvet-read-once-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Scans `path` and returns the physical log (reads that reached the file) and the logical one (what parsers asked). */
async function scanCounted(path: string, wholeFileBytes?: number): Promise<{ physical: ReadLog; logical: ReadLog; verdict: string; formats: string[]; size: number }> {
  const physical = new ReadLog();
  const file = await FileSource.open(path, { log: physical, ...(wholeFileBytes === undefined ? {} : { wholeFileBytes }) });
  try {
    const counted = new CountingSource(file);
    const report = await scanSource(counted, { path });
    await file.verify();
    return { physical, logical: counted.log, verdict: report.verdict, formats: report.formats, size: file.size };
  } finally {
    await file.close();
  }
}

/** Where a stored member's bytes sit in a zip: its central directory entry, then its local header. */
function storedMember(bytes: Uint8Array, name: string): { offset: number; length: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = bytes.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  let at = view.getUint32(eocd + 16, true);
  for (let i = 0; i < view.getUint16(eocd + 10, true); i++) {
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const entry = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    if (entry.endsWith(name)) return { offset: local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true), length: size };
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  throw new Error(`no member ${name}`);
}

describe("FileSource reads each byte once", () => {
  it("reads a small pickle with one read call, however often the parsers read it", async () => {
    const { physical, logical, verdict, size } = await scanCounted(join(fixtures, "pickle/benign/data_proto2.pkl"));
    expect(verdict).toBe("clean");
    expect(logical.calls).toBeGreaterThan(1); // recognition and the parser each read it
    expect(physical.calls).toBe(1);
    expect(physical.bytes).toBe(size);
    // No probe past the end: the whole-file read asked for size + 1 and got size, and verify()'s stat
    // shows nothing moved since.
    expect(physical.probes).toBe(0);
  });

  it("reads a malicious small pickle once and still finds it", async () => {
    const path = join(dir, "evil.pkl");
    writeFileSync(path, Buffer.from("\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.", "latin1"));
    const { physical, verdict } = await scanCounted(path);
    expect(verdict).toBe("unsafe");
    expect(physical.calls).toBe(1);
  });

  it("reads a torch zip's data.pkl once when the file is read piecewise", async () => {
    const path = join(fixtures, "torch/benign/state_dict.pt");
    const member = storedMember(readFileSync(path), "/data.pkl");
    // wholeFileBytes 0: read it as a large file is read, one range at a time.
    const { physical, logical, formats } = await scanCounted(path, 0);
    expect(formats).toContain("pytorch-zip");
    expect(logical.bytesWithin(member.offset, member.length)).toBeGreaterThan(member.length); // asked for more than once
    expect(physical.bytesWithin(member.offset, member.length)).toBe(member.length);
    expect(physical.bytes).toBe(logical.distinctBytes()); // no byte of the file read twice
  });

  it("reads a torch zip under the whole-file size in one call", async () => {
    const { physical, size } = await scanCounted(join(fixtures, "torch/benign/state_dict.pt"));
    expect(size).toBeLessThanOrEqual(WHOLE_FILE_BYTES);
    expect(physical.calls).toBe(1);
    expect(physical.bytes).toBe(size);
  });

  it("serves a read across kept ranges from memory and reads only the gaps, with the right bytes", async () => {
    const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251);
    const path = join(dir, "ranges.bin");
    writeFileSync(path, bytes);
    const physical = new ReadLog();
    const file = await FileSource.open(path, { log: physical });
    try {
      expect(await file.read(1000, 100)).toEqual(bytes.subarray(1000, 1100));
      expect(await file.read(3000, 100)).toEqual(bytes.subarray(3000, 3100));
      expect(await file.read(500, 3000)).toEqual(bytes.subarray(500, 3500));
      expect(physical.bytes).toBe(3000); // 100 + 100, then the three gaps around them
      expect(physical.distinctBytes()).toBe(3000);
      expect(await file.read(600, 2800)).toEqual(bytes.subarray(600, 3400));
      expect(physical.bytes).toBe(3000); // all kept: no read reached the file
      // Past the whole-file size, a read larger than what is kept is read again, never served stale.
      const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
      expect(same(await file.read(0, 199_000), bytes.subarray(0, 199_000))).toBe(true);
      expect(same(await file.read(0, 199_000), bytes.subarray(0, 199_000))).toBe(true);
    } finally {
      await file.close();
    }
  });

  it("reads a GGUF header of about 0.6 MB for at most 1.1 times its size", async () => {
    const tokens = Array.from({ length: 32_000 }, (_, i) => `tok${i}`);
    const header = new GgufBuilder()
      .string("general.architecture", "llama")
      .array("tokenizer.ggml.tokens", ValueType.STRING, tokens)
      .array("tokenizer.ggml.scores", ValueType.FLOAT32, tokens.map(() => 0))
      .tensor("blk.0.weight", [32], 0)
      .build();
    // Tensor data after the header, as a hole: the end of the file is the engine's tail window, apart from the header.
    const path = join(dir, "vocab.gguf");
    writeFileSync(path, header);
    truncateSync(path, header.length + 4 * 1024 * 1024);
    const { physical, logical, formats, size } = await scanCounted(path);
    expect(formats).toContain("gguf");
    const tail = DEFAULT_LIMITS.tailBytes;
    expect(physical.bytesWithin(size - tail, tail)).toBe(tail);
    expect(physical.bytesWithin(0, size - tail)).toBeLessThanOrEqual(1.1 * header.length);
    expect(physical.bytes).toBe(logical.distinctBytes());
  });
});
