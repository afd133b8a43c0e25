import type { Defect } from "../../core/defect.js";
import { render } from "./render.js";
import { K, type CallOp, type CallSite, type ImportRecord, type PersistentValue, type PyValue } from "./values.js";

/** One call target and how often it was called, with a few rendered samples as evidence. */
export interface CallGroup {
  /** Import of the callable, when the callable is an import (the usual case). */
  imp: ImportRecord | undefined;
  /** The callable as a value (an import, a call result, an unknown memo value…). */
  callee: PyValue;
  ops: Set<CallOp>;
  count: number;
  /** Of `count`, the sites that only rebuilt the class (NEWOBJ, copyreg forms): no attacker callable ran. */
  rebuilds: number;
  /** Of `rebuilds`, those whose `__new__` received arguments. */
  rebuildsWithArgs: number;
  samples: CallSample[];
}

/**
 * One call, kept as evidence. `text` (the call rendered as Python) is made when first read: most
 * calls of a benign file (a state dict's tensor rebuilds, an estimator's classes) are never
 * quoted by a finding, and rendering every sample was some 6 % of a folder scan of small pickles.
 * It renders `site` as the rules read it, once the stream is parsed: a list passed to the call
 * and appended to afterwards shows those items too (within the few a container keeps). No
 * verdict reads `text`; rules judge `site`.
 */
export class CallSample {
  private rendered: string | undefined;
  constructor(
    readonly offset: number,
    readonly op: CallOp,
    readonly site: CallSite,
  ) {}

  get text(): string {
    this.rendered ??= render({ k: K.Call, call: this.site });
    return this.rendered;
  }

  toJSON(): { offset: number; op: CallOp; text: string } {
    return { offset: this.offset, op: this.op, text: this.text };
  }
}

export interface StreamInfo {
  start: number;
  end: number;
  proto: number;
  ops: number;
  /** True for a fragment parsed speculatively (after a FRAME violation, a parse error, or in trailing data). */
  speculative: boolean;
}

/** Byte payloads inside the pickle that look like files of their own (or feed a nested loader). */
export interface EmbeddedPayload {
  offset: number;
  length: number;
  reason: string;
  /** Decoded bytes when the payload was encoded in a string (base64, hex). */
  data?: Uint8Array;
}

/** APPEND/SETITEM/ADDITEMS applied to something that is not a plain container. */
export interface Mutation {
  op: "APPEND" | "APPENDS" | "SETITEM" | "SETITEMS" | "ADDITEMS";
  offset: number;
  target: PyValue;
}

export interface BuildOnImport {
  offset: number;
  imp: ImportRecord;
  state: PyValue;
}

export interface PickleStats {
  ops: number;
  maxStackDepth: number;
  memoPuts: number;
  memoGets: number;
  dups: number;
  maxVirtualElements: number;
}

/** What the symbolic VM saw: imports, calls and oddities. Never a reconstructed object. */
export interface PickleDocument {
  format: "pickle";
  streams: StreamInfo[];
  /** Distinct imports in order of first appearance. */
  imports: ImportRecord[];
  /** How often each import was used as a callable. */
  importCalls: Map<ImportRecord, number>;
  calls: Map<string, CallGroup>;
  buildsOnImports: BuildOnImport[];
  /**
   * Every `getattr(x, 'name')` and `functools.partial(f, …)` call, and BUILD on their results, so the
   * rules can name what is referenced or deferred (see effects.ts). Capped at the records limit.
   */
  referenceSites: CallSite[];
  persistentIds: PersistentValue[];
  mutations: Mutation[];
  embedded: EmbeddedPayload[];
  /** Structural and semantic problems, in stream order. */
  defects: Defect[];
  /** Non-fatal defects past the listing cap: counted, summarised in one defect at the end. */
  defectsNotListed?: number;
  stats: PickleStats;
  /** Final value of each non-speculative stream (the unpickled "object"). */
  results: PyValue[];
  /** Where the last complete pickle ended; bytes after it are trailing data. */
  endOffset: number;
  /** Bytes after the last pickle that are not another pickle (polyglots, appended archives). */
  trailing?: { offset: number; length: number };
  /** True when at least one stream reached STOP. */
  reachedStop: boolean;
  /** The bytes parse like a pickle (a call through a literal import, or complete pickles covering most of it). */
  convincing: boolean;
}
