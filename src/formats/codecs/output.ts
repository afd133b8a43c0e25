import type { CodecDefect, DecodeControl } from "./types.js";

/** Where decoders put their output: an `Output`, or a filter chain in front of one. */
export interface OutputSink {
  /** Bytes that may still be produced. */
  readonly room: number;
  /** Largest window worth allocating. */
  readonly windowCap: number;
  emit(chunk: Uint8Array): boolean;
  expired(offset: number): CodecDefect | undefined;
}

/**
 * The decoder side of a `DecodeControl`: counts output, enforces `maxOutput + 1`, remembers when
 * the caller said stop, and answers the deadline.
 */
export class Output implements OutputSink {
  produced = 0;
  stopped = false;
  private readonly now: () => number;

  constructor(private readonly ctl: DecodeControl) {
    this.now = ctl.now ?? Date.now;
  }

  /** Bytes that may still be produced (one past maxOutput, see DecodeControl). */
  get room(): number {
    return this.stopped ? 0 : Math.max(0, this.ctl.maxOutput + 1 - this.produced);
  }

  /** Largest window worth allocating: no more output than the room left can ever be referenced. */
  get windowCap(): number {
    return Math.max(1, this.room);
  }

  /** Hands a chunk on (cut to the room left); false once the caller said stop or the room is used up. */
  emit(chunk: Uint8Array): boolean {
    if (this.stopped) return false;
    const part = chunk.length > this.room ? chunk.subarray(0, this.room) : chunk;
    if (part.length > 0) {
      this.produced += part.length;
      if (!this.ctl.onOutput(part)) this.stopped = true;
    }
    if (this.produced > this.ctl.maxOutput) this.stopped = true;
    return !this.stopped;
  }

  /** A timeout defect when the deadline has passed. */
  expired(offset: number): CodecDefect | undefined {
    if (this.ctl.deadline === undefined || this.now() <= this.ctl.deadline) return undefined;
    return { code: "timeout", message: `Timed out after ${this.produced} bytes of output`, offset };
  }
}
