/** Bounds for HDF5 walks. Every one is attacker-controlled size or shape. */

/**
 * Largest HDF5 file read: jsfive needs the whole file in memory. Bigger files get an
 * unscannable error (fail closed) instead of a multi-gigabyte allocation (CWE-400).
 */
export const MAX_HDF5_BYTES = 512 * 1024 * 1024;

/** Objects (groups and datasets) visited per file (CWE-770). */
export const MAX_HDF5_OBJECTS = 100_000;

/** Group nesting followed from the root (CWE-674). */
export const MAX_HDF5_DEPTH = 64;

/** Symbol-table B-tree and SNOD nodes visited per file; cycles are cut by a visited set as well (CWE-834). */
export const MAX_HDF5_BTREE_NODES = 100_000;

/** Longest link name, link target or file name decoded (CWE-770). */
export const MAX_HDF5_NAME_BYTES = 4096;

/** External-file-list slots read per dataset (CWE-770). */
export const MAX_HDF5_EFL_SLOTS = 4096;

/** Depth of the dense-link B-tree v2 handed to jsfive; real files stay below 4 (CWE-674). */
export const MAX_HDF5_BTREE2_DEPTH = 16;

/** Continuation blocks followed per object header; real headers have a handful (CWE-834). */
export const MAX_HDF5_HEADER_BLOCKS = 1024;

/**
 * A dataset may declare at most this many times the file's size (or HDF5_SHAPE_FLOOR_BYTES):
 * chunked data with fill values or compression can exceed the file, but a loader that reads the
 * dataset allocates all of it, so a 1 KB file declaring terabytes is a memory bomb (CWE-789, CWE-409).
 */
export const MAX_HDF5_DECLARED_RATIO = 200;
export const HDF5_SHAPE_FLOOR_BYTES = 64 * 1024 * 1024;
