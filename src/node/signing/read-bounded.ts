import { open } from "node:fs/promises";

/**
 * Reads a whole file of at most `max` bytes; larger (or endless, like /dev/zero) fails without
 * reading past the limit, since `stat` sizes are not trusted for pipes and devices (CWE-400).
 */
export async function readBounded(path: string, max: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, max + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > max) throw Object.assign(new Error(`larger than ${max} bytes`), { code: "ETOOBIG" });
    }
    return Buffer.concat(chunks, length);
  } finally {
    await handle.close();
  }
}
