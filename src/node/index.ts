/** Node-only entry point (`modelvet/node`): file sources, folder walks, whole-path scans. */
export { FileSource } from "./file-source.js";
export { walk, type WalkEntry } from "./walk.js";
export { scanPaths, PathError, VERSION, type ScanPathsOptions } from "./scan-paths.js";
