import type { FormatSniffer, SniffHint } from "../../core/handler.js";

/** Byte strings that only joblib dumps carry near their start. */
const MARKERS = ["joblib.numpy_pickle", "NumpyArrayWrapper", "NDArrayWrapper"].map((m) => new TextEncoder().encode(m));
const JOBLIB_NAME = /\.(joblib|jbl)$/i;

function contains(head: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0] as number;
  for (let i = head.indexOf(first); i !== -1 && i + needle.length <= head.length; i = head.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && head[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

export function startsLikePickle(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x80 && (head[1] as number) <= 5;
}

/** One pickle with joblib's array wrappers: strong on their names in the head, or a pickle named `.joblib`. */
export const joblibSniffer: FormatSniffer = {
  id: "joblib",
  priority: 15,
  supersedes: ["pickle"],
  sniff(head: Uint8Array, hint: SniffHint) {
    const marked = head.length > 0 && MARKERS.some((m) => contains(head, m));
    if (!startsLikePickle(head) && !marked) return "no";
    if (marked) return "strong";
    return JOBLIB_NAME.test(hint.name) ? "strong" : "no";
  },
};

/** Legacy joblib Z-files (`ZF0x…` then zlib). */
export const zfileSniffer: FormatSniffer = {
  id: "joblib-zfile",
  priority: 20,
  sniff(head) {
    return readZFileHeader(head) ? "strong" : "no";
  },
};

/** `ZF` + `hex_str(2 ** 64)` ("0x10000000000000000"), joblib's _MAX_LEN. */
export const ZFILE_HEADER_BYTES = 2 + 19;
const HEADER_BYTES = ZFILE_HEADER_BYTES;
const HEADER = /^ZF0x([0-9a-f]{1,17}) *$/;

/** Reads the Z-file header: the declared length and where the zlib data starts. */
export function readZFileHeader(head: Uint8Array): { declaredLength: number; dataOffset: number } | undefined {
  // "ZF" first: asked of every file, most of which are turned away here without building a string.
  if (head.length < HEADER_BYTES + 2 || head[0] !== 0x5a || head[1] !== 0x46) return undefined;
  let text = "";
  for (let i = 0; i < HEADER_BYTES; i++) text += String.fromCharCode(head[i] as number);
  const m = HEADER.exec(text);
  if (!m) return undefined;
  const declaredLength = parseInt(m[1] as string, 16);
  if (!Number.isSafeInteger(declaredLength)) return undefined;
  // numpy_pickle_compat.read_zfile: a zlib stream never starts with a space (RFC 6713 2.1).
  const dataOffset = head[HEADER_BYTES] === 0x20 ? HEADER_BYTES + 1 : HEADER_BYTES;
  return { declaredLength, dataOffset };
}
