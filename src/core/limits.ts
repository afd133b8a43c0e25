/**
 * Every bound an attacker controls, in one place. Each has a reason and, where one fits, a CWE.
 * Hitting a limit never crashes and never passes silently: the file gets an error entry with the
 * limit's name and fails the gate (fail closed).
 */
export interface Limits {
  /** Largest pickle stream we parse, in bytes (CWE-400). Torch/joblib payload bytes are skipped, not counted. */
  maxPickleBytes: number;
  /** Opcodes per file: bounds CPU on opcode-dense or looping input (CWE-834). */
  maxPickleOps: number;
  /**
   * Live values of the pickle VM, all together (CWE-770): values in every MARK frame, the frames
   * themselves and memo entries held. Long runs of plain constants count as one value.
   */
  maxStackDepth: number;
  /** Memo entries kept (CWE-770); beyond it later GETs resolve as unknown, which is reported. */
  maxMemoEntries: number;
  /** Longest newline-terminated argument of a text opcode such as GLOBAL or INT (CWE-770). */
  maxPickleLineBytes: number;
  /** Longest string we decode to text (names, evidence). Longer payloads are skipped by length (CWE-770). */
  maxInlineStringBytes: number;
  /** Pickles concatenated in one file (CWE-834). */
  maxPicklesPerStream: number;
  /** Container nesting while recursing into members (zip in zip in tar …) (CWE-674). */
  maxNestingDepth: number;
  /** Members examined across one file and all its nested containers (CWE-770). */
  maxMembers: number;
  /** Bytes inflated across one file and all its nested containers (CWE-409). */
  maxInflatedBytes: number;
  /** Wall-clock budget per top-level file, in milliseconds (CWE-400). */
  maxMillisPerFile: number;
  /** Bytes of every file and member read up front for recognition (magic, text probes). */
  headBytes: number;
  /**
   * Bytes at the end of every file and member read up front: a zip end record sits within
   * 22 + 65,535 (comment) bytes of the end wherever the archive starts, and is found there as
   * zipfile and miniz find it.
   */
  tailBytes: number;
  /** Virtual element count a memo/DUP expansion may reach before it is called a bomb (CWE-776). */
  maxVirtualElements: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxPickleBytes: 2 * 1024 ** 3,
  maxPickleOps: 100_000_000,
  maxStackDepth: 1_000_000,
  maxMemoEntries: 50_000_000,
  maxPickleLineBytes: 64 * 1024,
  maxInlineStringBytes: 1024 * 1024,
  maxPicklesPerStream: 10_000,
  maxNestingDepth: 8,
  maxMembers: 100_000,
  maxInflatedBytes: 8 * 1024 ** 3,
  maxMillisPerFile: 120_000,
  maxVirtualElements: 100_000_000,
  headBytes: 4096,
  tailBytes: 65_557,
});

export function resolveLimits(overrides?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
