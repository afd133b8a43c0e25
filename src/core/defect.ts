/**
 * Bad input is a value. A `Defect` says what was wrong with the bytes and where; `fatal` defects
 * mean the file (or member) could not be fully scanned, which fails closed.
 */
export type DefectCode =
  // generic
  | "truncated"
  | "limit-exceeded"
  | "timeout"
  | "io-error"
  | "unsupported"
  | "encrypted"
  | "internal-error"
  // pickle
  | "pickle-invalid-opcode"
  | "pickle-bad-argument"
  | "pickle-stack-underflow"
  | "pickle-no-mark"
  | "pickle-memo-missing"
  | "pickle-frame-violation"
  | "pickle-trailing-data"
  | "pickle-no-stop"
  | (string & {});

export interface Defect {
  code: DefectCode;
  message: string;
  /** Byte offset in the source where the defect was found. */
  offset?: number;
  /** True when scanning could not cover the whole input because of this defect. */
  fatal: boolean;
  /** Name of the limit hit, for `limit-exceeded`. */
  limit?: string;
}

export function defect(code: DefectCode, message: string, extra?: Partial<Defect>): Defect {
  return { code, message, fatal: extra?.fatal ?? true, ...extra };
}
