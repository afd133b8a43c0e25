import type { Codec } from "../compress/bounded-decode.js";

/** APPNOTE 4.4.5 compression methods, named for messages. */
const METHOD_NAMES: Record<number, string> = {
  0: "stored",
  1: "shrunk",
  2: "reduced-1",
  3: "reduced-2",
  4: "reduced-3",
  5: "reduced-4",
  6: "imploded",
  8: "deflate",
  9: "deflate64",
  10: "PKWARE DCL imploded",
  12: "bzip2",
  14: "lzma",
  16: "IBM z/OS CMPSC",
  18: "IBM TERSE",
  19: "IBM LZ77 z",
  93: "zstd",
  94: "mp3",
  95: "xz",
  96: "jpeg",
  97: "wavpack",
  98: "ppmd",
  99: "AE-x encryption",
};

export const METHOD_STORED = 0;
/** WinZip AES: the real method is inside the 0x9901 extra field, behind the encryption. */
export const METHOD_AES = 99;

export function methodName(method: number): string {
  return `${method} (${METHOD_NAMES[method] ?? "unknown"})`;
}

/** The decoder for a method, when we have a pure-JS one. */
export function codecFor(method: number): Codec | undefined {
  if (method === 8) return "deflate-raw";
  if (method === 93) return "zstd";
  return undefined;
}
