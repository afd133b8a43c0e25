import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import type { HashType } from "../../signing/serialization.js";

/** node:crypto's names for the model-signing hash types (Python's blake2b() is BLAKE2b-512). */
export const NODE_HASH_NAMES: Record<HashType, string> = { sha256: "sha256", blake2b: "blake2b512" };

/**
 * Bytes per read on the calling thread: large enough that syscall and promise overhead vanish next
 * to hashing; memory stays at two such buffers (CWE-770).
 */
export const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/** Bytes per read in a worker: one buffer per worker; 1 MiB measured as fast as 4 MiB there. */
export const WORKER_CHUNK_BYTES = 1024 * 1024;

/** A byte range of a file to hash; `end` -1 means to the end of the file (whole-file digests). */
export interface HashJob {
  path: string;
  start: number;
  end: number;
}

/**
 * Hashes a range of a file, reading the next chunk while the current one is hashed (the read runs
 * on libuv's pool, the hash on this thread), so one file uses a second core for its reads. The
 * worker in hash-worker-source.ts computes the same digests with blocking reads.
 *
 * @example
 * await hashRange({ path: "model.bin", start: 0, end: -1 }, { hashType: "sha256" }); // "e3b0c442…"
 */
export async function hashRange(job: HashJob, { hashType, chunkBytes = READ_CHUNK_BYTES }: { hashType: HashType; chunkBytes?: number }): Promise<{ digest: string; bytes: number }> {
  const handle = await open(job.path, "r");
  try {
    const hash = createHash(NODE_HASH_NAMES[hashType]);
    const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    const limit = job.end < 0 ? Number.POSITIVE_INFINITY : job.end;
    let position = job.start;
    let which = 0;
    const readAt = (buffer: Buffer, at: number) => {
      const want = Math.min(chunkBytes, limit - at);
      return want > 0 ? handle.read(buffer, 0, want, at) : Promise.resolve({ bytesRead: 0 });
    };
    let pending = readAt(buffers[0] as Buffer, position);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const current = buffers[which] as Buffer;
      position += bytesRead;
      which ^= 1;
      pending = readAt(buffers[which] as Buffer, position);
      hash.update(current.subarray(0, bytesRead));
    }
    if (job.end >= 0 && position !== job.end) throw new Error(`file ended at byte ${position}, before byte ${job.end}: it changed while being hashed`);
    return { digest: hash.digest("hex"), bytes: position - job.start };
  } finally {
    await handle.close();
  }
}
