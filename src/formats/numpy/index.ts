export { npyHandler } from "./handler.js";
export { readNpy, hasNpyMagic, NUMPY_MAX_HEADER_SIZE, MAX_HEADER_BYTES } from "./npy.js";
export { detectNpz, type NpzDocument } from "./npz.js";
export { parsePyLiteral, type PyLiteral, type LiteralResult } from "./literal.js";
export { readDescr, readTypestr, type DtypeInfo } from "./dtype.js";
export type { NpyDocument, NpyProblem, NpyProblemCode } from "./types.js";
