/** Shared shapes of the pure-TS decoders (LZMA, LZMA2, xz, .lzma, bzip2, 7z). */

/** Why a decoder stopped before the end of its input; a closed set handlers map to report codes. */
export type CodecDefectCode =
  | "truncated"
  | "corrupt"
  | "crc-mismatch"
  | "unsupported"
  | "encrypted"
  | "limit-exceeded"
  | "timeout";

export interface CodecDefect {
  code: CodecDefectCode;
  /** Sentence case, the offending value quoted, what was expected. */
  message: string;
  /** Offset in the decoder's input (the compressed stream or archive) where it was found. */
  offset?: number;
  /** Name of the limit, for `limit-exceeded`. */
  limit?: string;
}

/** Something worth reporting that did not stop decoding. */
export type CodecNoteCode = "appended-data" | "check-not-verified";

export interface CodecNote {
  code: CodecNoteCode;
  message: string;
  offset?: number;
}

/**
 * How a caller drives a decoder. Output arrives in order through `onOutput`; the chunk is a view
 * that is only valid during the call (copy what you keep). Returning false stops decoding.
 */
export interface DecodeControl {
  onOutput(chunk: Uint8Array): boolean;
  /**
   * Output the caller accepts. Decoders produce at most one byte more (so the caller can tell
   * "exactly the cap" from "more than the cap") and never allocate a window larger than that.
   */
  maxOutput: number;
  now?: () => number;
  /** Absolute time (ms, on `now`'s clock) after which decoding stops with a `timeout` defect. */
  deadline?: number;
}

/** What a single-stream decoder did. */
export interface DecodeResult {
  /** done: the stream ended cleanly; stopped: the caller (or maxOutput) ended it; failed: see defect. */
  status: "done" | "stopped" | "failed";
  /** Bytes passed to onOutput. */
  produced: number;
  defect?: CodecDefect;
  notes: CodecNote[];
  /** Streams (xz, .lzma, bzip2) decoded, including a damaged last one. */
  streams: number;
}
