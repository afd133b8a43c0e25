import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HashJobError, hashJobs } from "./hash-pool.js";
import { hashRange } from "./hash-range.js";

/** Temp folders made by this file, removed when it is done (/tmp is shared). */
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

const dir = tempDir("modelvet-hash-");
const data = Buffer.alloc(3 * 1024 * 1024 + 17);
for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
const file = join(dir, "data.bin");
writeFileSync(file, data);
const expected = (start: number, end: number, algorithm = "sha256") => createHash(algorithm).update(data.subarray(start, end)).digest("hex");

const jobs = [
  { path: file, start: 0, end: -1 },
  { path: file, start: 0, end: 1_000_000 },
  { path: file, start: 1_000_000, end: data.length },
  { path: file, start: 5, end: 5 },
];
const want = [expected(0, data.length), expected(0, 1_000_000), expected(1_000_000, data.length), expected(5, 5)];

describe("hashing", () => {
  it("hashes whole files and ranges on the calling thread, across chunk boundaries", async () => {
    expect(await hashJobs(jobs, { hashType: "sha256", workers: 1 })).toEqual(want);
    expect((await hashRange(jobs[0]!, { hashType: "sha256", chunkBytes: 4096 })).digest).toBe(want[0]);
  });
  it("gives the same digests on worker threads, in job order", async () => {
    let bytes = 0;
    expect(await hashJobs(jobs, { hashType: "sha256", workers: 2, forceWorkers: true, chunkBytes: 65536, onProgress: (n) => (bytes += n) })).toEqual(want);
    expect(bytes).toBe(2 * data.length);
  });
  it("computes BLAKE2b-512 as Python's hashlib.blake2b()", async () => {
    expect(await hashJobs([jobs[0]!], { hashType: "blake2b", workers: 2, forceWorkers: true })).toEqual([expected(0, data.length, "blake2b512")]);
  });
  it("fails fast with the file that could not be read, on both paths", async () => {
    const bad = [{ path: join(dir, "missing"), start: 0, end: -1 }, ...jobs];
    await expect(hashJobs(bad, { hashType: "sha256", workers: 2, forceWorkers: true })).rejects.toBeInstanceOf(HashJobError);
    await expect(hashJobs(bad, { hashType: "sha256", workers: 1 })).rejects.toThrow(/ENOENT/);
  });
  it("notices a file shorter than the range asked for (changed while hashing)", async () => {
    await expect(hashJobs([{ path: file, start: 0, end: data.length + 1 }], { hashType: "sha256", workers: 1 })).rejects.toThrow(/changed while being hashed/);
  });
});
