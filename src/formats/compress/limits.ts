/**
 * Bounds for decompression. The shared `maxInflatedBytes` budget (core/limits.ts) caps the total;
 * these cap a single stream.
 */

/** Output/input ratio above which a stream is called a bomb and not expanded further (CWE-409). */
export const MAX_COMPRESSION_RATIO = 200;
/** Outputs below this never count as bombs by ratio: small runs of zeros compress 1000x legitimately (CWE-409). */
export const RATIO_FLOOR_BYTES = 1024 * 1024;
/** Largest single decompressed member: it is held in memory as one buffer (CWE-789). */
export const MAX_MEMBER_OUTPUT_BYTES = 1024 ** 3;
/** Compressed bytes fed to a decoder per push: deflate emits output once per push, so this bounds the overshoot past a cap to about 1032x it (zstd emits per block: one block) (CWE-409). */
export const INPUT_CHUNK_BYTES = 16 * 1024;
/** Largest zstd window we allocate; the reference decoder's default limit is the same 2^27 (CWE-789). */
export const MAX_ZSTD_WINDOW_BYTES = 128 * 1024 * 1024;
/** Members CRC-checked after decompression at most this large; larger ones are reported as not checked (CWE-400). */
export const MAX_CRC_CHECK_BYTES = 64 * 1024 * 1024;
