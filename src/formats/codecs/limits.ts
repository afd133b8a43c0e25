/**
 * Bounds for the pure-TS decoders. Output caps (ratio, per-member, the shared `maxInflatedBytes`)
 * are the caller's, passed in as `maxOutput`; these bound what the compressed input itself
 * declares before anything is allocated or looped over.
 */

/** Largest LZMA/LZMA2 dictionary a header may declare: 7-Zip's own maximum (-md=1536m); larger ones are refused (CWE-789). */
export const MAX_DICT_BYTES = 1.5 * 1024 ** 3;
/** First window allocation; the window then doubles up to min(dictionary, remaining output) so a declared 1.5 GiB dictionary costs nothing until the output is that large (CWE-789). */
export const INITIAL_WINDOW_BYTES = 64 * 1024;
/** Output produced per decoder step: a cap is passed by at most this much work (CWE-409). */
export const OUTPUT_STEP_BYTES = 1024 * 1024;
/** Compressed bytes read from the source per request (a stingy source answers at most 1 MiB at once). */
export const INPUT_CHUNK_BYTES = 64 * 1024;

/** xz Block Header Size is one byte times four: 1024 bytes at most (xz-file-format 3.1.1). */
export const MAX_XZ_BLOCK_HEADER_BYTES = 1024;
/** Concatenated xz streams per file: each costs a header, an index and a footer walk (CWE-834). */
export const MAX_XZ_STREAMS = 65_536;
/** Blocks (and Index records) per xz stream: each costs a header parse and a decoder reset (CWE-834). */
export const MAX_XZ_BLOCKS = 1_000_000;

/** bzip2 selectors kept: bzip2 1.0.8 reads up to 32767 but uses 18002 (CVE-2019-12900) (CWE-787). */
export const MAX_BZIP2_SELECTORS = 18_002;
/** Compressed bytes one bzip2 block can take: 900k symbols of at most 20 bits plus tables is under 2.3 MB (CWE-400). */
export const MAX_BZIP2_BLOCK_INPUT_BYTES = 3 * 1024 * 1024;
/** Concatenated bzip2 streams per file (bzip2 -c a b, pbzip2): each costs a header walk (CWE-834). */
export const MAX_BZIP2_STREAMS = 65_536;

/** A 7z header (plain or after decoding) is parsed in memory; real ones are kilobytes per thousand files (CWE-789). */
export const MAX_7Z_HEADER_BYTES = 64 * 1024 * 1024;
/** Encoded headers wrapping encoded headers: 7-Zip writes one layer (CWE-834). */
export const MAX_7Z_HEADER_LAYERS = 4;
/** Files listed in one 7z archive: a file record can take under a byte, so this bounds the objects a tiny header makes (twice the engine's default maxMembers) (CWE-770). */
export const MAX_7Z_FILES = 200_000;
/** Folders (independently compressed blocks) in one 7z archive (CWE-770). */
export const MAX_7Z_FOLDERS = 200_000;
/** Packed streams in one 7z archive (CWE-770). */
export const MAX_7Z_PACK_STREAMS = 200_000;
/** Coders in one 7z folder: 7-Zip's own k_Scan_NumCoders_MAX (CWE-770). */
export const MAX_7Z_CODERS = 64;
/** In/out streams of one 7z coder or folder: 7-Zip's own k_Scan_NumCodersStreams_in_Folder_MAX (CWE-770). */
export const MAX_7Z_CODER_STREAMS = 64;
/** Coder property bytes: LZMA needs 5, AES 18; 7-Zip rejects more than 255 in its scanner (CWE-770). */
export const MAX_7Z_CODER_PROPS_BYTES = 255;
