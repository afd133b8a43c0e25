import type { DtypeInfo } from "./dtype.js";

/** Stable codes: the numpy rules filter on them. */
export type NpyProblemCode =
  // numpy.load refuses the header (NPY002)
  | "unsupported-version"
  | "header-truncated"
  | "header-too-long"
  | "header-encoding"
  | "header-not-literal"
  | "header-keys"
  | "header-values"
  | "dtype"
  // the data does not fit the header (NPY003)
  | "data-short"
  | "data-long";

export interface NpyProblem {
  code: NpyProblemCode;
  message: string;
  offset?: number;
  evidence?: string;
}

/** What a `.npy` header says and how the file measures up to it. */
export interface NpyDocument {
  format: "numpy";
  size: number;
  /** `major.minor` from the magic string. */
  version: string;
  headerLength: number;
  /** Where the array data starts (magic + length field + header). */
  dataOffset: number;
  /** The header dict as written, for evidence. */
  headerText?: string;
  descr?: string;
  fortranOrder?: boolean;
  shape?: number[];
  dtype?: DtypeInfo;
  /** The dtype holds Python objects: the data is a pickle that numpy.load only runs with allow_pickle=True. */
  objectArray: boolean;
  /** The data could not be typed but starts like a pickle, so it was scanned as one. */
  pickleGuess: boolean;
  /** prod(shape) * itemsize, when both are known. */
  expectedDataBytes?: number;
  /** Bytes after the header. */
  dataBytes: number;
  problems: NpyProblem[];
  /** Oddities numpy accepts but never writes (named dtypes, missing newline, misalignment). */
  unusual: string[];
}
