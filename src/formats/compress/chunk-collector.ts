/**
 * Keeps decoder output (copies of the chunks, which are views into a decoder's window) up to a
 * cap, and remembers whether more came.
 *
 * @example
 * const c = new ChunkCollector(1 << 20);
 * await decodeXz(source, { onOutput: c.push, maxOutput: c.cap });
 * c.capped; c.bytes();
 */
export class ChunkCollector {
  private readonly chunks: Uint8Array[] = [];
  length = 0;
  capped = false;

  constructor(readonly cap: number) {}

  /** Bound, so it can be passed as `onOutput`; false once the cap is passed. */
  readonly push = (chunk: Uint8Array): boolean => {
    if (this.capped) return false;
    const room = this.cap - this.length;
    if (chunk.length > room) {
      if (room > 0) this.keep(chunk.subarray(0, room));
      this.capped = true;
      return false;
    }
    this.keep(chunk);
    return true;
  };

  bytes(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.chunks.length = 0;
    if (out.length > 0) this.chunks.push(out);
    return out;
  }

  private keep(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk.slice());
    this.length += chunk.length;
  }
}
