import { open, type FileHandle } from "node:fs/promises";
import { ByteSourceError, SliceSource, checkRange, type ByteSource, type ReadStats } from "../core/byte-source.js";

/**
 * A `ByteSource` over a local file. Reads are positional (`pread`), so memory stays bounded by
 * what parsers ask for, whatever the file size.
 */
export class FileSource implements ByteSource {
  readonly stats: ReadStats = { bytesRead: 0, reads: 0 };

  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly path: string,
  ) {}

  /** Opens `path` for reading; the caller must `close()` it. */
  static async open(path: string): Promise<FileSource> {
    const handle = await open(path, "r");
    try {
      const info = await handle.stat();
      return new FileSource(handle, info.size, path);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    const buffer = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, offset + done);
      if (bytesRead === 0) {
        throw new ByteSourceError(`Cannot read ${JSON.stringify(this.path)}: file shrank to ${offset + done} bytes while scanning`);
      }
      done += bytesRead;
    }
    this.stats.bytesRead += length;
    this.stats.reads += 1;
    return buffer;
  }

  slice(offset: number, length: number): ByteSource {
    checkRange(this.size, offset, length);
    return new SliceSource(this, offset, length);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
