/**
 * The hashing worker, as CommonJS source for `new Worker(source, { eval: true })`. It is a string,
 * not a file, so the same code runs from src/ under the test runner (which cannot start a .ts
 * worker) and from dist/ once built; hash-pool.test.ts checks it against hashRange().
 *
 * Unlike hashRange() it reads synchronously: a worker has nothing else to do, and reading on the
 * hashing thread keeps the bytes in that core's cache and leaves the other cores to the other
 * workers, where handing reads to libuv's pool made the workers compete with it (measured on two
 * cores: 2.9 GB/s against 2.1 GB/s for two workers).
 *
 * Protocol: in `{ id, path, start, end, algorithm, chunk }`, out `{ id, digest, bytes }` or
 * `{ id, error: { message, code } }`.
 */
export const HASH_WORKER_SOURCE = String.raw`
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");

let buffer = Buffer.alloc(0);

function hashRange(job) {
  if (buffer.length !== job.chunk) buffer = Buffer.allocUnsafe(job.chunk);
  const fd = openSync(job.path, "r");
  try {
    const hash = createHash(job.algorithm);
    const limit = job.end < 0 ? Number.POSITIVE_INFINITY : job.end;
    let position = job.start;
    for (;;) {
      const want = Math.min(job.chunk, limit - position);
      const bytesRead = want > 0 ? readSync(fd, buffer, 0, want, position) : 0;
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
    if (job.end >= 0 && position !== job.end) {
      throw new Error("file ended at byte " + position + ", before byte " + job.end + ": it changed while being hashed");
    }
    return { digest: hash.digest("hex"), bytes: position - job.start };
  } finally {
    closeSync(fd);
  }
}

parentPort.on("message", (job) => {
  try {
    const result = hashRange(job);
    parentPort.postMessage({ id: job.id, digest: result.digest, bytes: result.bytes });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: { message: error.message, code: error.code } });
  }
});
`;
