export { gzipHandler } from "./gzip.js";
export { zlibHandler, sniffZlib } from "./zlib.js";
export { zstdHandler } from "./zstd.js";
export { lz4Handler } from "./lz4.js";
export { bzip2Handler, xzHandler, sevenZipHandler } from "./unsupported.js";
export { decodeStream, type StreamCodec, type StreamOutcome } from "./decode-stream.js";
export { innerName } from "./member-name.js";
export type { CompressedAnomaly, CompressedAnomalyCode, CompressedDocument, CompressionFormat, GzipHeaderInfo } from "./types.js";
