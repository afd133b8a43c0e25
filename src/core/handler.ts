import type { ByteSource } from "../core/byte-source.js";
import type { Defect } from "../core/defect.js";
import type { Limits } from "../core/limits.js";

/** Shared across one top-level file and everything nested in it. */
export interface Budget {
  members: number;
  inflatedBytes: number;
}

/**
 * What a handler may ask of the policy while deciding whether bytes are its format. Defined here so
 * that formats depend on core only; the policy layer's `Policy` satisfies it.
 */
export interface HandlerPolicy {
  classifyGlobal(module: string, name: string): { cls: string };
}

export interface ScanContext {
  limits: Limits;
  policy: HandlerPolicy;
  budget: Budget;
  /** Container nesting depth of the source being analysed (0 = the file itself). */
  depth: number;
  /** Member path of the source being analysed, undefined for the file itself. */
  memberPath: string | undefined;
  /** Name hint of the source (file name or member name). */
  name: string;
  now(): number;
  /** Absolute time (ms) after which work should stop with a `timeout` defect. */
  deadline: number;
  /** Formats already seen on the way down (outermost first), e.g. ["zip"] for a zip member. */
  parents: readonly string[];
}

/** A member of a container, scanned by the engine like a file of its own. */
export interface Member {
  /** Name inside the container (`model/data.pkl`). */
  path: string;
  source: ByteSource;
  /** A guess (embedded bytes, trailing data): its errors are dropped, its findings kept. */
  speculative?: boolean;
  /** Called by the engine once the member and everything in it has been scanned: drop buffers. */
  release?: () => void;
  /** Format to use instead of sniffing (e.g. a torch zip's `data.pkl` is a pickle even when it does not look like one). */
  forceFormat?: string;
}

/** What a format handler found in a source. */
export interface FormatAnalysis {
  /** Format id reported in `formats` and matched against `RuleMeta.formats`. */
  format: string;
  /** The parsed document handed to rules of this format. */
  document: unknown;
  /** Oddities; `fatal` ones mean the source was not fully scanned (fail closed). */
  defects: Defect[];
  /**
   * Members to scan recursively (containers only). Compressed members should be lazy sources
   * (`LazySource`): inflated on first read and released by the engine once scanned, so memory
   * follows one member, not the archive.
   */
  members?: Member[];
  /** Plain-language notes for the report (what was skipped and why). */
  notes?: string[];
  /**
   * More documents about the same bytes, each checked by the rules of its own format: a PyTorch
   * checkpoint is a zip (zip rules) and a torch archive (torch rules) at once.
   */
  also?: { format: string; document: unknown }[];
}

/**
 * `strong`: the head says so (magic at its offset). `tail`: a structure at the end says so (a zip
 * end record, wherever the archive starts); tried after every head claim, because a file whose
 * head is a tar and whose tail is a zip is first what its head says. `weak`: try it and see.
 */
export type SniffStrength = "strong" | "tail" | "weak" | "no";

export interface SniffHint {
  name: string;
  size: number;
  /**
   * The last bytes of the source (up to `limits.tailBytes`), read once by the engine: structures
   * found at the end (a zip end record, wherever the archive starts) are recognised from it.
   */
  tail?: Uint8Array;
  /** Path inside the enclosing containers (`archive/code/__torch__.py`), undefined for a file. */
  memberPath?: string;
  /** Formats of the enclosing containers, outermost first. */
  parents: readonly string[];
}

export interface FormatHandler {
  id: string;
  /** Higher is tried first among strong matches (a torch zip before a plain zip). */
  priority: number;
  /**
   * Handlers whose reading this one includes (a torch zip reports the zip too; joblib and legacy
   * torch parse the pickle). Any other strong claim that also accepts the bytes is scanned as well,
   * as a second reading: a polyglot is whatever each loader makes of it.
   */
  supersedes?: readonly string[];
  /**
   * Decides from bytes (the head and the tail the engine read once); the name only hints. `weak`
   * means "try it and see". Must be cheap and linear in the bytes it is given.
   */
  sniff(head: Uint8Array, hint: SniffHint): SniffStrength;
  /** Parses and returns an analysis, or undefined when a weak match turns out not to be this format. */
  analyze(source: ByteSource, ctx: ScanContext): Promise<FormatAnalysis | undefined>;
}

/**
 * The cheap half of a handler: what the engine needs to decide which handlers to try. Kept in
 * modules of its own (`formats/<format>/sniff.ts`) so that sniffing loads no parser: the parser,
 * its rules and its third-party dependencies load when a file needs them.
 */
export type FormatSniffer = Pick<FormatHandler, "id" | "priority" | "supersedes" | "sniff">;
