export { tarHandler, sniffTar } from "./handler.js";
export { readTar, type TarReadContext, type TarReadResult } from "./read-tar.js";
export type { TarAnomaly, TarAnomalyCode, TarDocument, TarEntry, TarEntryKind, TarFormat, TarNames } from "./types.js";
