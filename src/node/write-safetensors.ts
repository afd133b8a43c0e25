import { constants } from "node:fs";
import { link, open, rename, unlink, type FileHandle } from "node:fs/promises";
import type { PlannedTensor } from "../convert/checkpoint.js";
import { safetensorsLayout } from "../convert/safetensors-layout.js";
import { contiguousBytes } from "../convert/tensor-bytes.js";

export interface WriteOptions {
  /** Replace an existing file at `path`. */
  overwrite?: boolean;
  /**
   * Metadata known only once the data is written (the source digest, hashed alongside): the
   * header is written first with `metadata`, then rewritten in place with these values, which
   * must have the same encoded length (a digest replacing a placeholder of equal length).
   */
  finalMetadata?: () => Promise<Record<string, string>>;
}

/**
 * Writes a safetensors file by streaming each tensor's bytes (one read ahead of the write, so
 * disk reads and writes overlap). Nothing is buffered beyond one chunk, or one strided tensor's
 * storage span. The file is written under a temporary name opened with O_EXCL|O_NOFOLLOW and
 * linked into place at the end, so a failed conversion leaves no half file under the final name.
 * (No fsync: like `cp`, durability is left to the file system.)
 *
 * @example
 * await writeSafetensors("model.safetensors", plan.tensors, { format: "pt" });
 */
export async function writeSafetensors(path: string, tensors: readonly PlannedTensor[], metadata: Record<string, string>, options: WriteOptions = {}): Promise<{ bytes: number }> {
  const layout = safetensorsLayout(tensors, metadata);
  const temp = `${path}.modelvet-partial`;
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  let ok = false;
  try {
    let position = 0;
    await writeAll(handle, layout.header, position);
    position += layout.header.length;
    for (const t of layout.order) {
      let written = 0;
      const chunks = contiguousBytes(t.data);
      let next = chunks.next();
      for (;;) {
        const r = await next;
        if (r.done) break;
        next = chunks.next(); // read the next chunk while this one is written
        await writeAll(handle, r.value, position);
        position += r.value.length;
        written += r.value.length;
      }
      if (written !== t.byteLength) throw new Error(`Tensor ${JSON.stringify(t.name)} produced ${written} bytes, expected ${t.byteLength}`);
    }
    if (position !== layout.size) throw new Error(`Wrote ${position} bytes, expected ${layout.size}`);
    if (options.finalMetadata) {
      const final = safetensorsLayout(tensors, await options.finalMetadata());
      if (final.header.length !== layout.header.length) throw new Error("Final metadata changed the header length");
      await writeAll(handle, final.header, 0);
    }
    ok = true;
  } finally {
    await handle.close();
    if (!ok) await unlink(temp).catch(() => undefined);
  }
  if (!options.overwrite) {
    // Refuse to replace: link() fails on an existing target, unlike rename().
    try {
      await link(temp, path);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  } else {
    await rename(temp, path);
  }
  return { bytes: layout.size };
}

async function writeAll(handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}
