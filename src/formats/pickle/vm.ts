import { defect, type Defect } from "../../core/defect.js";
import type { Limits } from "../../core/limits.js";
import { copyregInstantiator, referenceMaker, siteShape, type Instantiator } from "./effects.js";
import { DROPPED, Memo } from "./memo.js";
import { Op, opName } from "./opcodes.js";
import { render } from "./render.js";
import {
  parseAsciiLine,
  parseFloatArg,
  parseGlobalLine,
  parseIntArg,
  parseLongArg,
  parseMemoKey,
  parseStringArg,
  parseUnicodeArg,
  type ArgResult,
} from "./text-args.js";
import { CallSample, type CallGroup, type PickleDocument } from "./types.js";
import {
  K,
  KEEP_ITEMS,
  isObj,
  makeContainer,
  unknown,
  retained,
  virtualSize,
  type BytesValue,
  type CallOp,
  type CallSite,
  type ContainerValue,
  type DictValue,
  type ImportRecord,
  type ImportVia,
  type PyValue,
} from "./values.js";

/** The VM asks for more bytes, finished one pickle (STOP), ran out of input, or hit bad bytes. */
export type Step =
  | { kind: "need"; offset: number; length: number }
  | { kind: "stop"; end: number }
  | { kind: "eof" }
  | { kind: "error"; defect: Defect };

/** What follows a BUILD outside the opcode stream (joblib's raw numpy arrays). */
export type RawAfterBuild =
  | { kind: "raw"; bytes: number; padded: boolean }
  | { kind: "nested-pickle"; padded: boolean }
  | { kind: "unsized"; reason: string };

/** Format modules built on pickle (joblib) hook BUILD to skip raw bytes written after an object. */
export interface PickleHooks {
  /** Pure: what raw data follows this BUILD, or undefined when nothing does. */
  afterBuild?(instance: PyValue, state: PyValue, offset: number): RawAfterBuild | undefined;
}

export interface VmOptions {
  limits: Limits;
  /** Fragment parse: drop what random bytes could fake (unresolved imports, semantic errors). */
  speculative: boolean;
  hooks?: PickleHooks;
  /** Absolute time (ms) after which the VM stops with a `timeout` defect. */
  deadline?: number;
  now?: () => number;
}

/**
 * A summarised run of plain constants (numbers, booleans, None) deep in a MARK frame: a tuple of
 * 1.6 M floats (an embedding table) holds one slot, not 1.6 M. Opcodes that reach into it get
 * `sample`, a constant of the same kind; containers built from it count `n` items.
 */
class Run {
  constructor(
    public n: number,
    public sample: PyValue,
  ) {}
}
/**
 * A short str not decoded yet. A vocabulary pickle holds millions of short strings that are
 * memoized (and dropped past the memo budget) and folded into dicts that keep their first pairs
 * only; decoding them all was most of the scan. Such a str is pushed as LAZY, and where its UTF-8
 * bytes are in the window goes in TEXT_START/TEXT_LENGTH at the slot's index in the current
 * frame: no object per string. It is decoded when a value is read (pop, peek, kept memo entries,
 * kept container items). Lazy slots live only in the current frame and only during run(): MARK,
 * compact() and run()'s return settle them, so the index stays the slot's own and no string
 * outlives its window. run() is synchronous, so the tables can be shared by every VM.
 */
const LAZY: unique symbol = Symbol("undecoded str");
type Lazy = typeof LAZY;
type Slot = PyValue | Run | Lazy;

/**
 * Lazy strs are made only in the first slots of a frame (one table entry each). Past it strs are
 * decoded at once, as before.
 */
const LAZY_STACK_SLOTS = 1 << 14;
const TEXT_START = new Int32Array(LAZY_STACK_SLOTS);
const TEXT_LENGTH = new Uint8Array(LAZY_STACK_SLOTS);

/** Strings shorter than this may stay lazy (under 64 characters, so they weigh nothing; see retained()). Fits TEXT_LENGTH. */
const LAZY_TEXT_BYTES = 64;

/**
 * Whether a str of MIN_ENCODED_PICKLE bytes or more may be an encoded pickle (decodeEncodedPickle
 * wants "80…" or "gA…"; the UTF-8 decoder drops a leading byte-order mark): only those are
 * decoded at once, for noteEncoded().
 */
function mayBeEncoded(first: number): boolean {
  return first === 0x38 || first === 0x67 || first === 0xef;
}
const enum FrameIssue {
  Overlap,
  PastEnd,
  Crossing,
}

/**
 * An empty frame whose elements are already of the "any value" kind. A `[]` starts as small
 * integers and changes kind at its first str or object; with frames of several kinds about, V8
 * stops inlining `push` in the hot loop and calls the generic builtin (about 15% of a vocabulary).
 * A copy of an empty array of that kind has that kind and no storage: a million MARK frames cost
 * no more than a million `[]`.
 */
const EMPTY_FRAME: Slot[] = [LAZY];
EMPTY_FRAME.pop();
function newFrame(): Slot[] {
  return EMPTY_FRAME.slice();
}

function isConstantSlot(slot: Slot): boolean {
  return slot === null || typeof slot === "number" || typeof slot === "boolean" || slot instanceof Run;
}

/** Values kept raw at the bottom of a frame (OBJ's class, evidence) and at its top (the next ops' operands). */
const RUN_KEEP_BOTTOM = KEEP_ITEMS;
const RUN_KEEP_TOP = 256;
/** Shorter stretches of constants are not worth a run. Even, so dict key/value pairs stay aligned. */
const MIN_RUN = 64;
/** Frame violations reported one by one per stream; the rest are counted in one summary (CWE-779). */
const MAX_FRAME_DEFECTS = 16;
/**
 * Opcodes followed in one speculative fragment (after a parse error or FRAME violation). Each
 * candidate re-reads the rest of the stream; a FRAME flood would otherwise cost the opcode
 * budget many times over (CWE-400). Reaching it is noted, not fatal: the stream itself was
 * parsed whole, and CPython's C loader does not read these fragments.
 */
const MAX_SPECULATIVE_OPS = 1_000_000;
/**
 * The first periodic check (clock, depth) comes early, then every 65,536 ops. Not for safety: V8
 * optimizes the VM's loop after a few thousand ops, and a branch first taken after that (here, the
 * check at op 65,536) throws the optimized code away; each such round costs some 20 ms of warm-up.
 * (The first exact weight check keeps its place: moving it changes when a hostile stream of small
 * containers is stopped.)
 */
const FIRST_CHECK_OPS = 1024;

/**
 * New objects after which checkWeight() is first called, only to give back the room it held back:
 * the exact weight is still first measured after an eighth of the live-values budget, where a
 * hostile stream of small containers has always been stopped. The call is there for V8, as for
 * FIRST_CHECK_OPS: a call first made after the loop was optimized (a list of small tuples reached
 * it after 125,000 tuples) threw the optimized loop away (--trace-deopt: "Insufficient type
 * feedback" at tuple()'s call of checkWeight), and compiling it again cost 25-45 ms.
 */
const FIRST_WEIGHT_CALL = 256;
/** Non-fatal defects listed per file; more are counted in one summary (CWE-779). Fatal ones are always listed. */
const MAX_LISTED_DEFECTS = 512;
/** Call targets (distinct callables) recorded per file (CWE-770). */
const MAX_CALL_GROUPS = 100_000;

/** Samples rendered per call target; the rest are only counted. */
const MAX_CALL_SAMPLES = 8;
/** Distinct imports kept per file (CWE-770); beyond it the file is reported as not fully scanned. */
const MAX_IMPORTS = 100_000;
/** Persistent ids and mutations kept for rules (CWE-770). */
const MAX_RECORDS = 262_144;
/** Bytes payloads shorter than this are copied whole (evidence, nested pickles). */
const KEEP_BYTES = 512;
/** Leading bytes kept of longer payloads, enough to sniff a file signature. */
const HEAD_BYTES = 16;
const LONG_TEXT_HEAD = 256;

const textDecoder = new TextDecoder("utf-8");
const latin1Decoder = new TextDecoder("latin1");

/** Shortest base64/hex string worth decoding as a possible pickle. */
const MIN_ENCODED_PICKLE = 16;
/** Longest encoded string decoded (CWE-770). */
const MAX_ENCODED_PICKLE = 16 * 1024 * 1024;

/** Decodes base64 (`gA…` = `\x80\x0N`) or hex (`800N…`) text that holds a protocol 2–5 pickle. */
export function decodeEncodedPickle(text: string): Uint8Array | undefined {
  if (text.length > MAX_ENCODED_PICKLE) return undefined;
  if (/^80\s*0[2-5]/.test(text)) {
    const hex = text.replace(/\s+/g, "");
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) return undefined;
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return out;
  }
  if (/^gA[I-X]/.test(text)) {
    const b64 = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
    try {
      const bin = atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, "="));
      return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const NO_WINDOW = new Uint8Array(0);
const SMALL_INTS: number[] = Array.from({ length: 256 }, (_, i) => i);
/**
 * BININT, BININT1 and BININT2 (0x4a, 0x4b, 0x4d) by `op - Op.BININT`: the mask that keeps the
 * op's own bytes of a four-byte little-endian read (BININT is signed, the others unsigned), and
 * how many bytes that is. Index 2 (LONG) is not read.
 */
const INT_MASK = Int32Array.of(-1, 0xff, 0, 0xffff);
const INT_BYTES = Uint8Array.of(4, 1, 0, 2);
/** The key memoPut() reads as "the memo's next key" (MEMOIZE); real keys are never negative. */
const NEXT_MEMO_KEY = -1;

export function emptyDocument(): PickleDocument {
  return {
    format: "pickle",
    streams: [],
    imports: [],
    importCalls: new Map(),
    calls: new Map(),
    buildsOnImports: [],
    referenceSites: [],
    persistentIds: [],
    mutations: [],
    embedded: [],
    defects: [],
    stats: { ops: 0, maxStackDepth: 0, memoPuts: 0, memoGets: 0, dups: 0, maxVirtualElements: 0 },
    results: [],
    endOffset: 0,
    reachedStop: false,
    convincing: false,
  };
}

const fcc = String.fromCharCode;

/**
 * Short ASCII strings (names, dict keys) are most of a dense pickle's strings: building them with
 * one fixed-arity fromCharCode call is several times faster than concatenation or TextDecoder.
 */
function decodeShortAscii(w: Uint8Array, s: number, n: number): string {
  switch (n) {
    case 0:
      return "";
    case 1:
      return fcc(w[s] as number);
    case 2:
      return fcc(w[s] as number, w[s + 1] as number);
    case 3:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number);
    case 4:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number, w[s + 3] as number);
    case 5:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number, w[s + 3] as number, w[s + 4] as number);
    case 6:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number, w[s + 3] as number, w[s + 4] as number, w[s + 5] as number);
    case 7:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number, w[s + 3] as number, w[s + 4] as number, w[s + 5] as number, w[s + 6] as number);
    case 8:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number, w[s + 3] as number, w[s + 4] as number, w[s + 5] as number, w[s + 6] as number, w[s + 7] as number);
    case 9:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number, w[s + 3] as number, w[s + 4] as number, w[s + 5] as number, w[s + 6] as number, w[s + 7] as number, w[s + 8] as number);
    case 10:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number, w[s + 3] as number, w[s + 4] as number, w[s + 5] as number, w[s + 6] as number, w[s + 7] as number, w[s + 8] as number, w[s + 9] as number);
    case 11:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number, w[s + 3] as number, w[s + 4] as number, w[s + 5] as number, w[s + 6] as number, w[s + 7] as number, w[s + 8] as number, w[s + 9] as number, w[s + 10] as number);
    case 12:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number, w[s + 3] as number, w[s + 4] as number, w[s + 5] as number, w[s + 6] as number, w[s + 7] as number, w[s + 8] as number, w[s + 9] as number, w[s + 10] as number, w[s + 11] as number);
    case 13:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number, w[s + 3] as number, w[s + 4] as number, w[s + 5] as number, w[s + 6] as number, w[s + 7] as number, w[s + 8] as number, w[s + 9] as number, w[s + 10] as number, w[s + 11] as number, w[s + 12] as number);
    case 14:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number, w[s + 3] as number, w[s + 4] as number, w[s + 5] as number, w[s + 6] as number, w[s + 7] as number, w[s + 8] as number, w[s + 9] as number, w[s + 10] as number, w[s + 11] as number, w[s + 12] as number, w[s + 13] as number);
    case 15:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number, w[s + 3] as number, w[s + 4] as number, w[s + 5] as number, w[s + 6] as number, w[s + 7] as number, w[s + 8] as number, w[s + 9] as number, w[s + 10] as number, w[s + 11] as number, w[s + 12] as number, w[s + 13] as number, w[s + 14] as number);
    case 16:
      return fcc(w[s] as number, w[s + 1] as number, w[s + 2] as number, w[s + 3] as number, w[s + 4] as number, w[s + 5] as number, w[s + 6] as number, w[s + 7] as number, w[s + 8] as number, w[s + 9] as number, w[s + 10] as number, w[s + 11] as number, w[s + 12] as number, w[s + 13] as number, w[s + 14] as number, w[s + 15] as number);
    default:
      return textDecoder.decode(w.subarray(s, s + n));
  }
}

function decodeUtf8(win: Uint8Array, start: number, length: number): string {
  if (length <= 16) {
    for (let i = start; i < start + length; i++) if ((win[i] as number) >= 0x80) return textDecoder.decode(win.subarray(start, start + length));
    return decodeShortAscii(win, start, length);
  }
  return textDecoder.decode(win.subarray(start, start + length));
}

function isIdentifierPath(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_<>][A-Za-z0-9_<>]*)*$/.test(text);
}

/** Two's-complement little-endian integer (LONG1/LONG4). */
function decodeLong(win: Uint8Array, start: number, length: number): number | bigint {
  if (length === 0) return 0;
  if (length <= 6) {
    let value = 0;
    for (let i = length - 1; i >= 0; i--) value = value * 256 + (win[start + i] as number);
    const top = 2 ** (8 * length);
    return (win[start + length - 1] as number) & 0x80 ? value - top : value;
  }
  let value = 0n;
  for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(win[start + i] as number);
  if ((win[start + length - 1] as number) & 0x80) value -= 1n << BigInt(8 * length);
  return value;
}

/**
 * A symbolic pickle machine. It runs over windows of the stream handed in by a driver, never
 * builds a Python object, and records every import, call, persistent id and oddity in a shared
 * {@link PickleDocument}. It stops at STOP (the driver decides what follows), at the end of
 * input, or at bytes that cannot be decoded; semantic errors (missing memo key, stack underflow)
 * become defects and an unknown value, and the run goes on.
 */
export class PickleVM {
  pos: number;
  proto = 0;
  ops = 0;
  private stack: Slot[] = newFrame();
  private metastack: Slot[][] = [];
  /** Lowest index of the current frame above which no Run sits (the hot path reads only above it). */
  private runFloor = 0;
  private readonly floors: number[] = [];
  /** Items stood for by runs in the frame that popMark() returned last. */
  private runItems = 0;
  /** Lazy strs may be on the current frame (see LAZY). */
  private texts = false;
  /** The window run() was handed: lazy strs are read from it. */
  private win: Uint8Array = NO_WINDOW;
  /** Slots held by the frames under the current one. */
  private buried = 0;
  /**
   * Slots the current frame may still grow to: the live-values budget (maxStackDepth) less the
   * buried frames, the MARK frames themselves and the memo entries held. One check per push.
   */
  private room: number;
  private frameDefects = 0;
  /** New objects that may still be made before the exact live weight is measured again. */
  private weightRoom: number;
  /** The rest of the first weight check's room, held back until the early call (see FIRST_WEIGHT_CALL). */
  private weightDeferred = 0;
  private memo: Memo;
  /** Counted here and added to the document's stats in finish(): cheaper than a property chain per op. */
  private memoGets = 0;
  private memoPuts = 0;
  /** Outer memos and protocols of inline nested pickles still open (their STOP does not end the outer stream). */
  private readonly nested: { memo: Memo; proto: number }[] = [];
  private memoOverflow = false;
  private notedDropped = false;
  private frameEnd = -1;
  private readonly importIndex = new Map<string, ImportRecord>();
  private reportedSemantic = 0;
  /** Set by a limit hit inside a helper; the main loop returns it before the next op. */
  private halt: Step | undefined;
  /** The op count at which the next periodic check runs (see FIRST_CHECK_OPS). */
  private checkAt = 0;
  /** Opcode budget left; forced below zero when `halt` is set, so one check per op covers both. */
  private maxOps: number;
  private readonly maxStack: number;

  constructor(
    readonly doc: PickleDocument,
    private readonly start: number,
    private readonly options: VmOptions,
  ) {
    this.pos = start;
    this.maxOps = options.limits.maxPickleOps - doc.stats.ops;
    if (options.speculative) this.maxOps = Math.min(this.maxOps, MAX_SPECULATIVE_OPS);
    this.maxStack = options.limits.maxStackDepth;
    this.memo = new Memo(options.limits.maxMemoEntries);
    this.room = this.maxStack;
    this.weightRoom = this.maxStack >> 3;
    if (this.weightRoom > FIRST_WEIGHT_CALL) {
      this.weightDeferred = this.weightRoom - FIRST_WEIGHT_CALL;
      this.weightRoom = FIRST_WEIGHT_CALL;
    }
  }

  /** Recomputes `room` after the buried frames, the mark stack or the memo changed. */
  private updateRoom(): void {
    this.room = this.maxStack - this.buried - this.metastack.length - this.memo.held;
  }

  /** Runs until more bytes are needed, STOP, end of input, or an undecodable op. */
  run(win: Uint8Array, winStart: number, size: number): Step {
    this.win = win;
    const step = this.runWindow(win, winStart, size);
    if (this.texts) this.settleTexts();
    this.win = NO_WINDOW;
    return step;
  }

  /** Decodes the lazy strs of the current frame (see LAZY). */
  private settleTexts(): void {
    this.texts = false;
    const stack = this.stack;
    for (let i = 0; i < stack.length; i++) if (stack[i] === LAZY) stack[i] = this.textAt(i);
  }

  /** The lazy str at index `i` of the current frame (or of the frame popMarkSlots() just returned). */
  private textAt(i: number): string {
    return decodeUtf8(this.win, TEXT_START[i] as number, TEXT_LENGTH[i] as number);
  }

  /** Item `i` of a frame that holds no Run, decoded if lazy. */
  private itemAt(items: readonly (PyValue | Lazy)[], i: number): PyValue {
    const value = items[i] as PyValue | Lazy;
    return value === LAZY ? this.textAt(i) : value;
  }

  private runWindow(win: Uint8Array, winStart: number, size: number): Step {
    const limits = this.options.limits;
    const winLen = win.length;
    const atEof = winStart + winLen >= size;
    const view = new DataView(win.buffer, win.byteOffset, win.byteLength);
    // The hot path keeps the VM's state in locals (registers), not fields: the position, the op
    // count, the current frame, its room, where the current FRAME ends (Infinity when none is
    // ahead), and `gate`, the op count at which the op budget or the periodic check needs a look.
    // They go back to the fields before step(), a return, or a helper that may report at this.pos,
    // and are read again after anything that may change them.
    //
    // V8 optimizes this loop while it runs, and throws the optimized code away the first time a
    // statement runs that had not run before it was compiled (each round: some 25-45 ms of
    // compiling, and the loop runs slowly meanwhile). So each kind of work has one site, reached
    // early: the window's end and the op gate share edge() (first reached at FIRST_CHECK_OPS), the
    // three integer ops share one case, and every memo put the hot path makes goes through the one
    // memoPut() call after the switch. One site each also keeps the compiled loop small.
    let p = this.pos;
    let ops = this.ops;
    let stack = this.stack;
    let room = this.room;
    let frameLimit = this.frameEnd > p ? this.frameEnd : Infinity;
    this.checkAt = ops < FIRST_CHECK_OPS ? FIRST_CHECK_OPS : (ops | 0xffff) + 1;
    let gate = Math.min(this.maxOps + 1, this.checkAt);

    for (;;) {
      const r = p - winStart;
      if (r >= winLen || ops + 1 >= gate) {
        this.pos = p;
        this.ops = ops;
        const stop = this.edge(r >= winLen, size);
        if (stop !== undefined) return stop;
        ops = this.ops;
        gate = Math.min(this.maxOps + 1, this.checkAt);
      } else ops++;
      const op = win[r] as number;

      // Hot path: the few ops that make up nearly all of a large pickle, kept small so the
      // compiler can inline it. Anything unusual (a frame edge, a full stack, a mark where a
      // value should be) falls through to the complete implementation in step().
      hot: if (stack.length < room && p + 9 <= frameLimit) {
        // A memo put to make after the switch, by the op at `p`: its key (NEXT_MEMO_KEY for
        // MEMOIZE) and the op's length.
        let putKey = 0;
        let putLen = 0;
        put: {
          switch (op) {
            case Op.BININT:
            case Op.BININT1:
            case Op.BININT2: {
              // One case for the three widths, reading four bytes and masking (INT_MASK): the
              // integers of a list of counters grow from one width to the next as the file goes on.
              if (r + 5 > winLen) break;
              const at = op - Op.BININT;
              stack.push(view.getInt32(r + 1, true) & (INT_MASK[at] as number));
              p += 1 + (INT_BYTES[at] as number);
              continue;
            }
            case Op.BINFLOAT:
              if (r + 9 > winLen) break;
              stack.push(view.getFloat64(r + 1, false));
              p += 9;
              continue;
            case Op.NONE:
              stack.push(null);
              p += 1;
              continue;
            case Op.SHORT_BINUNICODE: {
              if (r + 2 > winLen) break;
              const n = win[r + 1] as number;
              if (r + 2 + n > winLen || p + 2 + n > frameLimit) break;
              // Long strs, and strs that may be encoded pickles (noteEncoded), are step()'s. The first
              // byte is looked at for every str (the length byte when there is none), so that the
              // first str of MIN_ENCODED_PICKLE bytes does not run a new statement (see above).
              if (n >= LAZY_TEXT_BYTES || (mayBeEncoded(win[n > 0 ? r + 2 : r + 1] as number) && n >= MIN_ENCODED_PICKLE)) break;
              this.pushText(stack, win, r + 2, n);
              p += 2 + n;
              // Protocol 4 memoizes nearly every str: the MEMOIZE after it is run here, one dispatch less.
              // Bounds first: a read past the window's end is undefined, and V8 deoptimizes the loop for it.
              if (r + 3 + n <= winLen && win[r + 2 + n] === Op.MEMOIZE && ops + 1 < gate) {
                ops++;
                putKey = NEXT_MEMO_KEY;
                putLen = 1;
                break put;
              }
              continue;
            }
            case Op.BINUNICODE: {
              // Protocols 1-3 write every str with a 4-byte length.
              if (r + 5 > winLen) break;
              const n = view.getUint32(r + 1, true);
              if (n >= LAZY_TEXT_BYTES || n > limits.maxInlineStringBytes || r + 5 + n > winLen || p + 5 + n > frameLimit) break;
              if (mayBeEncoded(win[n > 0 ? r + 5 : r + 4] as number) && n >= MIN_ENCODED_PICKLE) break;
              this.pushText(stack, win, r + 5, n);
              p += 5 + n;
              // Protocols 1-3 put nearly every str in the memo: the BINPUT or LONG_BINPUT after it is
              // run here, one dispatch less (within the window and the current FRAME, as in step()).
              const q = r + 5 + n;
              const next = q < winLen ? win[q] : undefined;
              if (next === Op.BINPUT && ops + 1 < gate && q + 2 <= winLen && p + 2 <= frameLimit) {
                ops++;
                putKey = win[q + 1] as number;
                putLen = 2;
                break put;
              }
              if (next === Op.LONG_BINPUT && ops + 1 < gate && q + 5 <= winLen && p + 5 <= frameLimit) {
                ops++;
                putKey = view.getUint32(q + 1, true);
                putLen = 5;
                break put;
              }
              continue;
            }
            case Op.LONG_BINPUT:
              if (r + 5 > winLen) break;
              putKey = view.getUint32(r + 1, true);
              putLen = 5;
              break put;
            case Op.MEMOIZE:
              // Nothing here that V8 collects type feedback for: most MEMOIZEs are run with the op
              // before them, and this case runs first late in a large file.
              putKey = NEXT_MEMO_KEY;
              putLen = 1;
              break put;
            case Op.BINPUT:
              if (r + 2 > winLen) break;
              putKey = win[r + 1] as number;
              putLen = 2;
              break put;
            case Op.BINGET:
              if (r + 2 > winLen) break;
              stack.push(this.memoGet(win[r + 1] as number, p));
              p += 2;
              continue;
            case Op.TUPLE3: {
              const len = stack.length;
              if (len < 3 + this.runFloor) break;
              const c = this.itemAt(stack as (PyValue | Lazy)[], len - 1);
              const b = this.itemAt(stack as (PyValue | Lazy)[], len - 2);
              const a = this.itemAt(stack as (PyValue | Lazy)[], len - 3);
              // pop() is inlined; assigning `length` is a slow runtime call.
              stack.pop();
              stack.pop();
              this.pos = p;
              const tuple = this.tuple([a, b, c]);
              stack[len - 3] = tuple;
              gate = Math.min(this.maxOps + 1, this.checkAt);
              p += 1;
              // Protocol 4 memoizes every tuple: the MEMOIZE after it is run here, one dispatch less.
              if (r + 2 <= winLen && win[r + 1] === Op.MEMOIZE && ops + 1 < gate) {
                ops++;
                // What memoPut() does for a fresh tuple past the memo's kept entries (the memo only
                // marks it), without memoPut()'s checks of what the top of the stack is: -11 to -13 %
                // on a list of ten million small tuples. V8 inlines dropFresh() here, so its checks
                // past the 65,536th put cost one deopt of this loop per large pickle (measured: no
                // loss on a list of a million). The same for strs and for protocols 1-3 (BINPUT) cost
                // up to four, and 3-15 % on pickles of 13-22 MB: not done.
                if (this.memo.dropFresh(this.memo.count, tuple, NO_WINDOW, 0, 0)) {
                  this.memoPuts++;
                  p += 1;
                  continue;
                }
                putKey = NEXT_MEMO_KEY;
                putLen = 1;
                break put;
              }
              continue;
            }
            case Op.TUPLE2: {
              const len = stack.length;
              if (len < 2 + this.runFloor) break;
              const b = this.itemAt(stack as (PyValue | Lazy)[], len - 1);
              const a = this.itemAt(stack as (PyValue | Lazy)[], len - 2);
              stack.pop();
              this.pos = p;
              stack[len - 2] = this.tuple([a, b]);
              gate = Math.min(this.maxOps + 1, this.checkAt);
              p += 1;
              continue;
            }
            case Op.TUPLE1: {
              const len = stack.length;
              if (len < 1 + this.runFloor) break;
              const a = this.itemAt(stack as (PyValue | Lazy)[], len - 1);
              this.pos = p;
              stack[len - 1] = this.tuple([a]);
              gate = Math.min(this.maxOps + 1, this.checkAt);
              p += 1;
              continue;
            }
            default:
              break;
          }
          break hot;
        }
        this.memoPut(putKey, p);
        p += putLen;
        room = this.room;
        continue;
      }
      this.pos = p;
      this.ops = ops;
      const step = this.step(op, win, r, p, winLen, atEof, view, size);
      if (step !== undefined) return step;
      p = this.pos;
      ops = this.ops;
      stack = this.stack;
      room = this.room;
      frameLimit = this.frameEnd > p ? this.frameEnd : Infinity;
      gate = Math.min(this.maxOps + 1, this.checkAt);
    }
  }

  /**
   * The loop's rare stops, at `this.pos` with `this.ops` ops run: the window's end, or the op
   * gate (the op budget, the periodic check), where the op is counted. A step to return, or
   * undefined to go on with the op.
   */
  private edge(windowEnd: boolean, size: number): Step | undefined {
    const p = this.pos;
    if (windowEnd) return p >= size ? { kind: "eof" } : { kind: "need", offset: p, length: 1 };
    const ops = ++this.ops;
    if (ops > this.maxOps) {
      this.ops = ops - 1;
      if (this.halt !== undefined) return this.halt;
      if (this.options.speculative && this.ops >= MAX_SPECULATIVE_OPS) {
        return { kind: "error", defect: defect("limit-exceeded", `A possible hidden pickle at offset ${this.start} was followed for ${MAX_SPECULATIVE_OPS} opcodes only`, { offset: p, limit: "maxSpeculativeOps", fatal: false }) };
      }
      return this.limit("maxPickleOps", `More than ${this.options.limits.maxPickleOps} opcodes`, p);
    }
    if (ops >= this.checkAt) {
      this.checkAt += 0x10000;
      return this.periodicCheck(p);
    }
    return undefined;
  }

  /**
   * Pushes the short str at `win[start, start + n)` for the hot loop's SHORT_BINUNICODE and
   * BINUNICODE: as a lazy slot (decoded only when read) while the stack is shallow enough for the
   * slot tables, decoded at once above them. One function for both ops: one site for V8 to learn.
   */
  private pushText(stack: Slot[], win: Uint8Array, start: number, n: number): void {
    const at = stack.length;
    if (at < LAZY_STACK_SLOTS) {
      TEXT_START[at] = start;
      TEXT_LENGTH[at] = n;
      stack.push(LAZY);
      this.texts = true;
    } else stack.push(decodeUtf8(win, start, n));
  }

  /** The complete implementation of every opcode; returns a step to stop, undefined to go on. */
  private step(op: number, win: Uint8Array, r: number, p: number, winLen: number, atEof: boolean, view: DataView, size: number): Step | undefined {
    const limits = this.options.limits;
    switch (op) {
      // ---- constants -------------------------------------------------------------------
      case Op.BININT1:
        if (r + 2 > winLen) return this.more(atEof, win, r, p, 2);
        this.checkFrame(p, p + 2);
        this.push(SMALL_INTS[win[r + 1] as number] as number);
        this.pos = p + 2;
        break;
      case Op.BININT2:
        if (r + 3 > winLen) return this.more(atEof, win, r, p, 3);
        this.checkFrame(p, p + 3);
        this.push(view.getUint16(r + 1, true));
        this.pos = p + 3;
        break;
      case Op.BININT:
        if (r + 5 > winLen) return this.more(atEof, win, r, p, 5);
        this.checkFrame(p, p + 5);
        this.push(view.getInt32(r + 1, true));
        this.pos = p + 5;
        break;
      case Op.BINFLOAT:
        if (r + 9 > winLen) return this.more(atEof, win, r, p, 9);
        this.checkFrame(p, p + 9);
        this.push(view.getFloat64(r + 1, false));
        this.pos = p + 9;
        break;
      case Op.NONE:
        this.push(null);
        this.pos = p + 1;
        break;
      case Op.NEWTRUE:
        this.push(true);
        this.pos = p + 1;
        break;
      case Op.NEWFALSE:
        this.push(false);
        this.pos = p + 1;
        break;
      case Op.LONG1: {
        if (r + 2 > winLen) return this.more(atEof, win, r, p, 2);
        const n = win[r + 1] as number;
        if (r + 2 + n > winLen) return this.more(atEof, win, r, p, 2 + n);
        this.checkFrame(p, p + 2 + n);
        this.push(decodeLong(win, r + 2, n));
        this.pos = p + 2 + n;
        break;
      }
      case Op.LONG4: {
        if (r + 5 > winLen) return this.more(atEof, win, r, p, 5);
        const n = view.getInt32(r + 1, true);
        if (n < 0) return this.structural("pickle-bad-argument", `LONG4 has negative length ${n} at offset ${p}`, p);
        if (n > 4096) {
          // Python would build a huge int; we only need to stay in sync.
          if (p + 5 + n > size) return this.structural("truncated", `LONG4 of ${n} bytes at offset ${p} runs past the end`, p);
          this.checkFrame(p, p + 5 + n);
          this.push(unknown(`${n}-byte integer`));
          this.pos = p + 5 + n;
          break;
        }
        if (r + 5 + n > winLen) return this.more(atEof, win, r, p, 5 + n);
        this.checkFrame(p, p + 5 + n);
        this.push(decodeLong(win, r + 5, n));
        this.pos = p + 5 + n;
        break;
      }
      case Op.INT:
      case Op.LONG:
      case Op.FLOAT:
      case Op.STRING:
      case Op.UNICODE:
      case Op.GET:
      case Op.PUT:
      case Op.PERSID: {
        const line = this.readLine(win, r + 1, r, p, winLen, atEof);
        if (!(line instanceof Uint8Array)) return line;
        const end = p + 1 + line.length + 1;
        this.checkFrame(p, end);
        const result = this.textOp(op, line, p);
        if (result) return result;
        this.pos = end;
        break;
      }

      // ---- strings and bytes -----------------------------------------------------------
      case Op.SHORT_BINUNICODE:
      case Op.SHORT_BINSTRING: {
        if (r + 2 > winLen) return this.more(atEof, win, r, p, 2);
        const n = win[r + 1] as number;
        if (r + 2 + n > winLen) return this.more(atEof, win, r, p, 2 + n);
        this.checkFrame(p, p + 2 + n);
        const text = op === Op.SHORT_BINUNICODE ? decodeUtf8(win, r + 2, n) : latin1Decoder.decode(win.subarray(r + 2, r + 2 + n));
        if (n >= MIN_ENCODED_PICKLE) this.noteEncoded(text, p + 2);
        this.push(text);
        this.pos = p + 2 + n;
        break;
      }
      case Op.BINUNICODE:
      case Op.BINSTRING: {
        if (r + 5 > winLen) return this.more(atEof, win, r, p, 5);
        const n = op === Op.BINSTRING ? view.getInt32(r + 1, true) : view.getUint32(r + 1, true);
        if (n < 0) return this.structural("pickle-bad-argument", `BINSTRING has negative length ${n} at offset ${p}`, p);
        const step = this.text(win, r, p, 5, n, winLen, size, op === Op.BINSTRING);
        if (step) return step;
        break;
      }
      case Op.BINUNICODE8: {
        if (r + 9 > winLen) return this.more(atEof, win, r, p, 9);
        const n = this.u64(view, r + 1, p);
        if (n === undefined) return this.structural("pickle-bad-argument", `BINUNICODE8 length at offset ${p} exceeds 2^53`, p);
        const step = this.text(win, r, p, 9, n, winLen, size, false);
        if (step) return step;
        break;
      }
      case Op.SHORT_BINBYTES: {
        if (r + 2 > winLen) return this.more(atEof, win, r, p, 2);
        const n = win[r + 1] as number;
        if (r + 2 + n > winLen) return this.more(atEof, win, r, p, 2 + n);
        this.bytes(win, r, p, 2, n, size, false);
        break;
      }
      case Op.BINBYTES: {
        if (r + 5 > winLen) return this.more(atEof, win, r, p, 5);
        const n = view.getUint32(r + 1, true);
        const want = 5 + Math.min(n, KEEP_BYTES);
        if (r + want > winLen && !atEof) return this.more(atEof, win, r, p, want);
        const step = this.bytes(win, r, p, 5, n, size, false);
        if (step) return step;
        break;
      }
      case Op.BINBYTES8:
      case Op.BYTEARRAY8: {
        if (r + 9 > winLen) return this.more(atEof, win, r, p, 9);
        const n = this.u64(view, r + 1, p);
        if (n === undefined) return this.structural("pickle-bad-argument", `${opName(op)} length at offset ${p} exceeds 2^53`, p);
        const want = 9 + Math.min(n, KEEP_BYTES);
        if (r + want > winLen && !atEof) return this.more(atEof, win, r, p, want);
        const step = this.bytes(win, r, p, 9, n, size, op === Op.BYTEARRAY8);
        if (step) return step;
        break;
      }
      case Op.NEXT_BUFFER:
        this.push({ k: K.Buffer });
        this.pos = p + 1;
        break;
      case Op.READONLY_BUFFER:
        this.pos = p + 1;
        break;

      // ---- containers ------------------------------------------------------------------
      case Op.EMPTY_LIST:
        this.push({ k: K.List, items: [], n: 0, v: 0, r: 1 });
        this.pos = p + 1;
        break;
      case Op.EMPTY_TUPLE:
        this.push({ k: K.Tuple, items: [], n: 0, v: 0, r: 1 });
        this.pos = p + 1;
        break;
      case Op.EMPTY_DICT:
        this.push({ k: K.Dict, pairs: [], n: 0, v: 0, r: 1 });
        this.pos = p + 1;
        break;
      case Op.EMPTY_SET:
        this.push({ k: K.Set, items: [], n: 0, v: 0, r: 1 });
        this.pos = p + 1;
        break;
      case Op.TUPLE1: {
        const a = this.pop(p);
        this.push(this.container(K.Tuple, [a]));
        this.pos = p + 1;
        break;
      }
      case Op.TUPLE2: {
        const b = this.pop(p);
        const a = this.pop(p);
        this.push(this.container(K.Tuple, [a, b]));
        this.pos = p + 1;
        break;
      }
      case Op.TUPLE3: {
        const c = this.pop(p);
        const b = this.pop(p);
        const a = this.pop(p);
        this.push(this.container(K.Tuple, [a, b, c]));
        this.pos = p + 1;
        break;
      }
      case Op.TUPLE:
        this.push(this.container(K.Tuple, this.popMark(p), this.runItems));
        this.pos = p + 1;
        break;
      case Op.LIST:
        this.push(this.container(K.List, this.popMark(p), this.runItems));
        this.pos = p + 1;
        break;
      case Op.FROZENSET:
        this.push(this.container(K.FrozenSet, this.popMark(p), this.runItems));
        this.pos = p + 1;
        break;
      case Op.DICT: {
        const items = this.popMark(p);
        const dict: DictValue = { k: K.Dict, pairs: [], n: 0, v: 0, r: 1 };
        this.dictUpdate(dict, items, this.runItems);
        this.push(dict);
        this.pos = p + 1;
        break;
      }
      case Op.APPEND: {
        const item = this.pop(p);
        this.addItems("APPEND", this.peek(p), [item], p);
        this.pos = p + 1;
        break;
      }
      case Op.APPENDS:
      case Op.ADDITEMS: {
        const items = this.popMarkSlots(p);
        this.addItems(op === Op.APPENDS ? "APPENDS" : "ADDITEMS", this.peek(p), items, p, this.runItems);
        this.pos = p + 1;
        break;
      }
      case Op.SETITEM: {
        const value = this.pop(p);
        const key = this.pop(p);
        this.setItems("SETITEM", this.peek(p), [key, value], p);
        this.pos = p + 1;
        break;
      }
      case Op.SETITEMS: {
        const items = this.popMarkSlots(p);
        this.setItems("SETITEMS", this.peek(p), items, p, this.runItems);
        this.pos = p + 1;
        break;
      }

      // ---- stack and memo --------------------------------------------------------------
      case Op.POP:
        if (this.stack.length > 0) this.pop(p);
        else this.popMark(p);
        this.pos = p + 1;
        break;
      case Op.DUP:
        this.doc.stats.dups++;
        this.push(this.peek(p));
        this.pos = p + 1;
        break;
      case Op.MARK:
        if (this.texts) this.settleTexts();
        this.metastack.push(this.stack);
        this.floors.push(this.runFloor);
        this.buried += this.stack.length;
        this.stack = newFrame();
        this.runFloor = 0;
        this.updateRoom();
        if (this.room < 0) return this.liveLimit(p);
        this.pos = p + 1;
        break;
      case Op.POP_MARK:
        this.popMarkSlots(p);
        this.pos = p + 1;
        break;
      case Op.BINGET:
        if (r + 2 > winLen) return this.more(atEof, win, r, p, 2);
        this.checkFrame(p, p + 2);
        this.push(this.memoGet(win[r + 1] as number, p));
        this.pos = p + 2;
        break;
      case Op.LONG_BINGET:
        if (r + 5 > winLen) return this.more(atEof, win, r, p, 5);
        this.checkFrame(p, p + 5);
        this.push(this.memoGet(view.getUint32(r + 1, true), p));
        this.pos = p + 5;
        break;
      case Op.BINPUT:
        if (r + 2 > winLen) return this.more(atEof, win, r, p, 2);
        this.checkFrame(p, p + 2);
        this.memoPut(win[r + 1] as number, p);
        this.pos = p + 2;
        break;
      case Op.LONG_BINPUT:
        if (r + 5 > winLen) return this.more(atEof, win, r, p, 5);
        this.checkFrame(p, p + 5);
        this.memoPut(view.getUint32(r + 1, true), p);
        this.pos = p + 5;
        break;
      case Op.MEMOIZE:
        this.memoPut(this.memo.count, p);
        this.pos = p + 1;
        break;

      // ---- imports and calls -----------------------------------------------------------
      case Op.GLOBAL:
      case Op.INST: {
        const first = this.readLine(win, r + 1, r, p, winLen, atEof);
        if (!(first instanceof Uint8Array)) return first;
        const second = this.readLine(win, r + first.length + 2, r, p, winLen, atEof);
        if (!(second instanceof Uint8Array)) return second;
        const end = p + 1 + first.length + 1 + second.length + 1;
        this.checkFrame(p, end);
        // CPython decodes GLOBAL lines as UTF-8 and INST lines as ASCII, and refuses empty lines.
        const name = op === Op.GLOBAL ? "GLOBAL" : "INST";
        const module = op === Op.GLOBAL ? parseGlobalLine(first) : parseAsciiLine(first, false);
        if (!module.ok) return this.badArgument(name, first, module.why, p);
        const attr = op === Op.GLOBAL ? parseGlobalLine(second) : parseAsciiLine(second, false);
        if (!attr.ok) return this.badArgument(name, second, attr.why, p);
        const imp = this.recordImport(module.value, attr.value, name, p, true);
        if (op === Op.GLOBAL) {
          this.push({ k: K.Global, imp });
        } else {
          const args = this.popMark(p);
          this.pushCall("INST", p, { k: K.Global, imp }, this.container(K.Tuple, args));
        }
        this.pos = end;
        break;
      }
      case Op.STACK_GLOBAL: {
        const name = this.pop(p);
        const module = this.pop(p);
        let imp: ImportRecord;
        if (typeof module === "string" && typeof name === "string") {
          imp = this.recordImport(module, name, "STACK_GLOBAL", p, true);
        } else {
          const why = `module ${render(module, 60)}, name ${render(name, 60)}`;
          imp = this.recordImport(typeof module === "string" ? module : "?", typeof name === "string" ? name : "?", "STACK_GLOBAL", p, false, why);
        }
        this.push({ k: K.Global, imp });
        this.pos = p + 1;
        break;
      }
      case Op.EXT1:
      case Op.EXT2:
      case Op.EXT4: {
        const width = op === Op.EXT1 ? 1 : op === Op.EXT2 ? 2 : 4;
        if (r + 1 + width > winLen) return this.more(atEof, win, r, p, 1 + width);
        this.checkFrame(p, p + 1 + width);
        const code = width === 1 ? (win[r + 1] as number) : width === 2 ? view.getUint16(r + 1, true) : view.getInt32(r + 1, true);
        const imp = this.recordImport("?", "?", "EXT", p, false, `copyreg extension code ${code}`);
        this.push({ k: K.Global, imp });
        this.pos = p + 1 + width;
        break;
      }
      case Op.REDUCE: {
        const args = this.pop(p);
        const callee = this.pop(p);
        this.pushCall("REDUCE", p, callee, args);
        this.pos = p + 1;
        break;
      }
      case Op.NEWOBJ: {
        const args = this.pop(p);
        const cls = this.pop(p);
        this.pushCall("NEWOBJ", p, cls, args);
        this.pos = p + 1;
        break;
      }
      case Op.NEWOBJ_EX: {
        const kwargs = this.pop(p);
        const args = this.pop(p);
        const cls = this.pop(p);
        this.pushCall("NEWOBJ_EX", p, cls, args, kwargs);
        this.pos = p + 1;
        break;
      }
      case Op.OBJ: {
        const items = this.popMark(p);
        const cls = items.length > 0 ? (items[0] as PyValue) : this.semantic("pickle-stack-underflow", "OBJ with an empty mark", p);
        this.pushCall("OBJ", p, cls, this.container(K.Tuple, items.slice(1)));
        this.pos = p + 1;
        break;
      }
      case Op.BUILD: {
        const raw = this.options.hooks?.afterBuild?.(this.peekAt(1), this.peekAt(0), p);
        let skip = 0;
        if (raw !== undefined) {
          if (raw.kind === "unsized") return this.structural("pickle-bad-argument", `Cannot size raw data after BUILD at offset ${p}: ${raw.reason}`, p);
          if (raw.padded) {
            // One byte holds the padding length, then that many padding bytes.
            if (r + 2 > winLen) return this.more(atEof, win, r, p, 2);
            skip = 1 + (win[r + 1] as number);
          }
          if (raw.kind === "raw") skip += raw.bytes;
          else {
            // A nested pickle is read by a fresh Unpickler: its own memo, its own protocol.
            this.nested.push({ memo: this.memo, proto: this.proto });
            this.memo = new Memo(limits.maxMemoEntries);
            this.updateRoom();
          }
        }
        const state = this.pop(p);
        const inst = this.peek(p);
        this.recordBuild(inst, state, p);
        if (p + 1 + skip > size) return this.structural("truncated", `Raw data of ${skip} bytes after BUILD at offset ${p} runs past the end`, p);
        this.pos = p + 1 + skip;
        break;
      }
      case Op.BINPERSID: {
        const pid = this.pop(p);
        this.pushPersistent(pid, p);
        this.pos = p + 1;
        break;
      }

      // ---- framing and control ---------------------------------------------------------
      case Op.PROTO: {
        if (r + 2 > winLen) return this.more(atEof, win, r, p, 2);
        this.checkFrame(p, p + 2);
        const version = win[r + 1] as number;
        if (version > 5) return this.structural("pickle-bad-argument", `Unsupported pickle protocol ${version} at offset ${p}`, p);
        this.proto = version;
        this.pos = p + 2;
        break;
      }
      case Op.FRAME: {
        if (r + 9 > winLen) return this.more(atEof, win, r, p, 9);
        const n = this.u64(view, r + 1, p);
        if (n === undefined) return this.structural("pickle-bad-argument", `FRAME length at offset ${p} exceeds 2^53`, p);
        if (this.frameEnd > p) {
          this.frameViolation(p, FrameIssue.Overlap, n);
        }
        this.frameEnd = p + 9 + n;
        if (this.frameEnd > size) {
          this.frameViolation(p, FrameIssue.PastEnd, n);
          this.frameEnd = size;
        }
        this.pos = p + 9;
        break;
      }
      case Op.STOP: {
        const outer = this.nested.pop();
        if (outer !== undefined) {
          // End of a nested pickle written inline (joblib object arrays): the outer stream goes on.
          this.memo = outer.memo;
          this.proto = outer.proto;
          this.updateRoom();
          this.pop(p);
          this.pos = p + 1;
          break;
        }
        const result = this.stack.length > 0 ? this.pop(p) : this.semantic("pickle-stack-underflow", "STOP with an empty stack", p);
        if (!this.options.speculative) this.doc.results.push(result);
        this.pos = p + 1;
        return { kind: "stop", end: p + 1 };
      }
      default:
        return this.structural("pickle-invalid-opcode", `Invalid pickle opcode 0x${op.toString(16).padStart(2, "0")} at offset ${p}`, p);
    }
    return undefined;
  }

  /** Depth and value bookkeeping shared by every push. */
  private push(value: PyValue): void {
    if (this.stack.length >= this.room && !this.compact()) {
      this.stopWith(this.liveLimit(this.pos));
      return;
    }
    this.stack.push(value);
    // New objects (and long strings) are charged as they are made; GETs of memo values are not.
    if (typeof value === "object" && value !== null) {
      if (--this.weightRoom < 0) this.checkWeight();
    } else if (typeof value === "string" && value.length >= 64) {
      this.weightRoom -= value.length >> 6;
      if (this.weightRoom < 0) this.checkWeight();
    }
  }

  /**
   * The exact live weight: every slot in every frame with what it keeps alive, the MARK frames,
   * and the memo (entries and the objects it keeps). Run only when the charges since the last
   * check could have used the room left, so its cost is spread over at least an eighth of the
   * budget in new objects.
   */
  private checkWeight(): void {
    // The early call (FIRST_WEIGHT_CALL): the room held back is given, and the measurement comes
    // where it always did.
    if (this.weightDeferred !== 0) {
      this.weightRoom += this.weightDeferred;
      this.weightDeferred = 0;
      if (this.weightRoom >= 0) return;
    }
    let weight = this.metastack.length + this.memo.held + this.memo.weight;
    for (let f = 0; f <= this.metastack.length; f++) {
      const frame = f < this.metastack.length ? (this.metastack[f] as Slot[]) : this.stack;
      weight += frame.length;
      for (const slot of frame) if (typeof slot === "object" && slot !== null && !(slot instanceof Run)) weight += retained(slot);
      else if (typeof slot === "string") weight += slot.length >> 6;
    }
    if (weight > this.maxStack) {
      this.stopWith(
        this.limit("maxStackDepth", `Pickle VM keeps more than ${this.maxStack} live values and the objects they hold at offset ${this.pos}`, this.pos),
      );
      this.weightRoom = Infinity;
      return;
    }
    this.weightRoom = Math.max(this.maxStack - weight, this.maxStack >> 3);
  }

  private liveLimit(offset: number): Step {
    return this.limit(
      "maxStackDepth",
      `Pickle VM holds more than ${this.maxStack} live values (stack in ${this.metastack.length + 1} MARK frames, memo) at offset ${offset}`,
      offset,
    );
  }

  /**
   * Folds stretches of plain constants in the current frame into runs. Called when the frame
   * reaches the budget; true when it freed enough room to go on (an eighth of the frame, so a
   * frame of strings fails at once rather than compacting again at every push).
   */
  private compact(): boolean {
    // Lazy strs are found by their index in the frame, which compaction changes.
    if (this.texts) this.settleTexts();
    const stack = this.stack;
    const len = stack.length;
    const top = Math.max(RUN_KEEP_BOTTOM, len - RUN_KEEP_TOP);
    const out = newFrame();
    let floor = 0;
    let i = 0;
    while (i < len) {
      if (i < RUN_KEEP_BOTTOM || i >= top || !isConstantSlot(stack[i] as Slot)) {
        out.push(stack[i++] as Slot);
        continue;
      }
      let j = i;
      let n = 0;
      let hasRun = false;
      let plain: PyValue | undefined;
      let sample: PyValue = null;
      for (; j < top && isConstantSlot(stack[j] as Slot); j++) {
        const slot = stack[j] as Slot;
        if (slot instanceof Run) {
          n += slot.n;
          hasRun = true;
          sample = slot.sample;
        } else {
          n++;
          // isConstantSlot() let only constants and runs through: no lazy str here.
          plain = slot as PyValue;
          sample = slot as PyValue;
        }
      }
      if (j - i < 2 || (n < MIN_RUN && !hasRun)) {
        while (i < j) out.push(stack[i++] as Slot);
        continue;
      }
      // Runs cover an even number of items so that dict key/value pairs after them stay aligned;
      // an odd stretch leaves one plain constant out (the order of constants within it is moot).
      const odd = n % 2 === 1;
      out.push(new Run(odd ? n - 1 : n, sample));
      floor = out.length;
      if (odd) out.push(plain as PyValue);
      i = j;
    }
    const freed = len - out.length;
    if (freed < Math.max(1, len >> 3)) return false;
    this.stack = out;
    this.runFloor = floor;
    return true;
  }

  private pop(offset: number): PyValue {
    const value = this.stack.pop();
    if (value === undefined) return this.semantic("pickle-stack-underflow", `Stack underflow at offset ${offset}`, offset);
    if (value instanceof Run) return this.takeFromRun(value);
    if (value === LAZY) return this.textAt(this.stack.length);
    return value;
  }

  /** One constant out of a run on top of the stack (POP, TUPLE, REDUCE reaching into it). */
  private takeFromRun(run: Run): PyValue {
    if (run.n > 1) {
      run.n--;
      this.stack.push(run);
    } else {
      let floor = this.stack.length;
      while (floor > 0 && !(this.stack[floor - 1] instanceof Run)) floor--;
      this.runFloor = floor;
    }
    return run.sample;
  }

  /** Ends the run before the next op (a limit hit inside a helper). */
  private stopWith(step: Step): void {
    this.halt ??= step;
    this.maxOps = -1;
  }

  /** The value `depth` places below the top, without popping; a mark or nothing reads as unknown. */
  private peekAt(depth: number): PyValue {
    const at = this.stack.length - 1 - depth;
    const value = this.stack[at];
    if (value instanceof Run) return value.sample;
    if (value === LAZY) return (this.stack[at] = this.textAt(at));
    return value === undefined ? unknown("empty stack") : value;
  }

  private peek(offset: number): PyValue {
    const at = this.stack.length - 1;
    const value = this.stack[at];
    if (value instanceof Run) return value.sample;
    if (value === LAZY) return (this.stack[at] = this.textAt(at));
    if (value === undefined) return this.semantic("pickle-stack-underflow", `Empty stack at offset ${offset}`, offset);
    return value;
  }

  /** The current frame's values (runs left out, their item count in `runItems`), back to the frame below. */
  private popMark(offset: number): PyValue[] {
    const lazy = this.texts;
    const items = this.popMarkSlots(offset);
    if (lazy) for (let i = 0; i < items.length; i++) if (items[i] === LAZY) items[i] = this.textAt(i);
    return items as PyValue[];
  }

  /**
   * popMark() for ops that keep only the first items: the rest stay lazy strs, read with
   * itemAt() before anything else runs (the tables are reused by the next frame's strs).
   */
  private popMarkSlots(offset: number): (PyValue | Lazy)[] {
    let items = this.stack as (PyValue | Lazy)[];
    this.runItems = 0;
    if (this.runFloor > 0) {
      // Leaving the runs out moves items away from their index: no lazy str may be left.
      if (this.texts) this.settleTexts();
      const kept: PyValue[] = [];
      for (const slot of this.stack) {
        if (slot instanceof Run) this.runItems += slot.n;
        else kept.push(slot as PyValue);
      }
      items = kept;
    }
    // The frame below was settled by its MARK.
    this.texts = false;
    const previous = this.metastack.pop();
    if (previous === undefined) {
      this.semantic("pickle-no-mark", `No MARK on the stack at offset ${offset}`, offset);
      this.stack = newFrame();
      this.runFloor = 0;
      return items;
    }
    this.stack = previous;
    this.runFloor = this.floors.pop() ?? 0;
    this.buried -= previous.length;
    this.updateRoom();
    return items;
  }

  private container(kind: ContainerValue["k"], items: PyValue[], runItems = 0): ContainerValue {
    const value = makeContainer(kind, items);
    value.n += runItems;
    value.v += runItems;
    this.trackVirtual(value.v);
    return value;
  }

  /** A small tuple: same as container(), without the generic loop. */
  private tuple(items: PyValue[]): ContainerValue {
    let v = items.length;
    let r = 1;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as PyValue;
      if (typeof item === "object" && item !== null) {
        v += virtualSize(item);
        r += retained(item);
      } else if (typeof item === "string" && item.length >= 64) r += retained(item);
    }
    if (v > this.doc.stats.maxVirtualElements) this.trackVirtual(v);
    if (--this.weightRoom < 0) this.checkWeight();
    return { k: K.Tuple, items, n: items.length, v, r };
  }

  private trackVirtual(v: number): void {
    if (v <= this.doc.stats.maxVirtualElements) return;
    this.doc.stats.maxVirtualElements = v;
    const max = this.options.limits.maxVirtualElements;
    if (v > max) this.stopWith(this.limit("maxVirtualElements", `Memo/DUP expansion reaches more than ${max} elements`, this.pos));
  }

  private addItems(op: "APPEND" | "APPENDS" | "ADDITEMS", target: PyValue, items: readonly (PyValue | Lazy)[], offset: number, runItems = 0): void {
    if (isObj(target) && (target.k === K.List || target.k === K.Set)) {
      let i = 0;
      for (; i < items.length && target.items.length < KEEP_ITEMS; i++) {
        const item = this.itemAt(items, i);
        target.items.push(item);
        target.r = (target.r ?? 1) + retained(item);
        target.v += virtualSize(item);
      }
      // Past the kept items only counts matter; a lazy str is short and holds nothing.
      let nested = 0;
      for (; i < items.length; i++) {
        const item = items[i];
        if (typeof item === "object" && item !== null) nested += virtualSize(item);
      }
      target.n += items.length + runItems;
      target.v += items.length + nested + runItems;
      this.trackVirtual(target.v);
      return;
    }
    this.recordMutation(op, target, offset);
  }

  private setItems(op: "SETITEM" | "SETITEMS", target: PyValue, items: readonly (PyValue | Lazy)[], offset: number, runItems = 0): void {
    if (isObj(target) && target.k === K.Dict) {
      this.dictUpdate(target, items, runItems);
      return;
    }
    this.recordMutation(op, target, offset);
  }

  private dictUpdate(dict: DictValue, items: readonly (PyValue | Lazy)[], runItems = 0): void {
    const pairs = items.length >> 1;
    let i = 0;
    for (; i + 1 < items.length && dict.pairs.length < KEEP_ITEMS * 2; i += 2) {
      const key = this.itemAt(items, i);
      const kept = this.itemAt(items, i + 1);
      dict.pairs.push(key, kept);
      dict.r = (dict.r ?? 1) + retained(key) + retained(kept);
      dict.v += virtualSize(kept);
    }
    // Past the kept pairs only counts matter; a lazy str is short and holds nothing.
    let nested = 0;
    for (let j = i + 1; j < items.length; j += 2) {
      const value = items[j];
      if (typeof value === "object" && value !== null) nested += virtualSize(value);
    }
    dict.n += pairs + (runItems >> 1);
    dict.v += pairs + nested + (runItems >> 1);
    this.trackVirtual(dict.v);
  }

  private recordMutation(op: "APPEND" | "APPENDS" | "SETITEM" | "SETITEMS" | "ADDITEMS", target: PyValue, offset: number): void {
    if (this.doc.mutations.length < MAX_RECORDS) this.doc.mutations.push({ op, offset, target });
    else this.recordsFull("mutations", offset);
  }

  private memoGet(index: number, offset: number): PyValue {
    this.memoGets++;
    const value = this.memo.get(index);
    if (value === DROPPED && !this.notedDropped) {
      // Said once: later imports or calls built from dropped values show as unresolved.
      this.notedDropped = true;
      if (!this.options.speculative) {
        this.note(defect("limit-exceeded", `Memo entry ${index} read at offset ${offset} was not kept (the memo keeps large values whole only up to a budget); what is built from it is unknown`, { offset, limit: "memoKeptValues", fatal: false }));
      }
    }
    if (value !== undefined) return value;
    if (this.memoOverflow) return unknown(`memo entry ${index} dropped after the memo limit`);
    return this.semantic("pickle-memo-missing", `Memo key ${index} read at offset ${offset} was never stored`, offset);
  }

  /** Stores the value on top of the stack at `index` (NEXT_MEMO_KEY: the next key, as MEMOIZE does). */
  private memoPut(index: number, offset: number): void {
    if (index === NEXT_MEMO_KEY) index = this.memo.count;
    this.memoPuts++;
    // A short str the memo would drop is never decoded; whether it is a name (kept for a while)
    // is read from its bytes. A container it would drop (a tuple, past the first entries) is only
    // marked, without the general put().
    const at = this.stack.length - 1;
    const top = this.stack[at];
    if (top === LAZY) {
      if (this.memo.dropFresh(index, undefined, this.win, TEXT_START[at] as number, TEXT_LENGTH[at] as number)) return;
    } else if (typeof top === "object" && top !== null && !(top instanceof Run) && this.memo.dropFresh(index, top, NO_WINDOW, 0, 0)) return;
    this.memoPutValue(index, offset);
  }

  private memoPutValue(index: number, offset: number): void {
    const memo = this.memo;
    const held = memo.held;
    const stored = memo.put(index, this.peek(offset));
    if (memo.held !== held) this.updateRoom();
    if (stored || this.memoOverflow) return;
    this.memoOverflow = true;
    this.doc.defects.push(
      defect("limit-exceeded", `Memo holds more than ${this.options.limits.maxMemoEntries} entries; later references to dropped entries are unknown`, {
        offset,
        limit: "maxMemoEntries",
      }),
    );
  }

  private recordImport(module: string, name: string, via: ImportVia, offset: number, resolved: boolean, why?: string): ImportRecord {
    if (resolved && this.options.speculative && !(isIdentifierPath(module) && isIdentifierPath(name))) {
      resolved = false;
      why = "not identifiers";
    }
    const key = `${via}\u0000${module}\u0000${name}\u0000${resolved ? "" : (why ?? "")}`;
    const existing = this.importIndex.get(key);
    if (existing) return existing;
    const record: ImportRecord = { module, name, via, offset, resolved, proto: this.proto, callKey: undefined };
    if (!resolved) record.unresolvedReason = why ?? "non-literal operands";
    if (this.importIndex.size < MAX_IMPORTS) this.importIndex.set(key, record);
    // Random bytes can fake a STACK_GLOBAL over non-strings; in a speculative fragment only
    // literal, identifier-shaped imports count as evidence.
    if (this.options.speculative && !resolved) return record;
    if (this.doc.imports.length < MAX_IMPORTS) this.doc.imports.push(record);
    else this.limitOnce("maxImports", `More than ${MAX_IMPORTS} distinct imports; later imports were not classified`, offset);
    return record;
  }

  private pushCall(op: CallOp, offset: number, callee: PyValue, args: PyValue, kwargs?: PyValue): void {
    const site: CallSite = kwargs === undefined ? { op, offset, callee, args } : { op, offset, callee, args, kwargs };
    this.recordCall(site);
    this.recordInstantiation(callee, args, offset);
    if (referenceMaker(callee) !== undefined) this.recordReference(site);
    this.push({ k: K.Call, call: site, r: 1 + retained(callee) + retained(args) + (kwargs === undefined ? 0 : retained(kwargs)) });
  }

  private recordReference(site: CallSite): void {
    if (this.doc.referenceSites.length < MAX_RECORDS) this.doc.referenceSites.push(site);
    else if (this.doc.referenceSites.length === MAX_RECORDS) {
      this.doc.defects.push(defect("limit-exceeded", `More than ${MAX_RECORDS} getattr/partial calls`, { offset: site.offset, limit: "maxRecords" }));
    }
  }

  private recordBuild(inst: PyValue, state: PyValue, offset: number): void {
    if (isObj(inst) && inst.k === K.Global) {
      if (this.doc.buildsOnImports.length < MAX_RECORDS) this.doc.buildsOnImports.push({ offset, imp: inst.imp, state });
      else this.recordsFull("BUILDs on imports", offset);
      return;
    }
    // BUILD on an instance runs its class's __setstate__; the class was already recorded when
    // the instance was made, so only BUILD on something else is a call of its own. BUILD on a
    // getattr/partial result is kept with the reference sites (it retargets a partial, or sets
    // attributes on whatever getattr returned).
    if (isObj(inst) && inst.k === K.Call) {
      if (referenceMaker(inst.call.callee) !== undefined) this.recordReference({ op: "BUILD", offset, callee: inst, args: state });
      return;
    }
    this.recordCall({ op: "BUILD", offset, callee: inst, args: state });
  }

  /**
   * `copyreg._reconstructor(cls, base, state)` and `copyreg.__newobj__(cls, …)` instantiate their
   * first argument, just like NEWOBJ does at protocol 2: count that class as called, so the same
   * object gets the same verdict whatever protocol wrote it.
   */
  private recordInstantiation(callee: PyValue, args: PyValue, offset: number): void {
    const via = copyregInstantiator(callee);
    if (via === undefined || !isObj(args) || args.k !== K.Tuple) return;
    const cls = args.items[0];
    if (cls === undefined || !isObj(cls) || cls.k !== K.Global) return;
    this.recordCall({ op: "REDUCE", offset, callee: cls, args: this.container(K.Tuple, args.items.slice(1)) }, via);
  }

  private recordCall(site: CallSite, via?: Instantiator): void {
    const callee = site.callee;
    let imp: ImportRecord | undefined;
    let key: string;
    if (isObj(callee) && callee.k === K.Global) {
      imp = callee.imp;
      if (this.options.speculative && !imp.resolved) return;
      key = imp.callKey ??= `import:${imp.via}:${imp.module}\u0000${imp.name}\u0000${imp.unresolvedReason ?? ""}`;
      this.doc.importCalls.set(imp, (this.doc.importCalls.get(imp) ?? 0) + 1);
    } else {
      if (this.options.speculative) return;
      key = `dynamic:${isObj(callee) ? callee.k : typeof callee}:${render(callee, 80)}`;
    }
    let group: CallGroup | undefined = this.doc.calls.get(key);
    if (!group && this.doc.calls.size >= MAX_CALL_GROUPS) {
      this.limitOnce("maxCallGroups", `More than ${MAX_CALL_GROUPS} distinct call targets; later ones were not recorded`, site.offset);
      return;
    }
    if (!group) {
      group = { imp, callee, ops: new Set(), count: 0, rebuilds: 0, rebuildsWithArgs: 0, samples: [] };
      this.doc.calls.set(key, group);
    }
    group.ops.add(site.op);
    group.count++;
    const shape = siteShape(site, via);
    if (shape.rebuild) {
      group.rebuilds++;
      if (shape.args) group.rebuildsWithArgs++;
    }
    // Evidence should show a real call when there is one, even after many rebuilds.
    const firstCall = !shape.rebuild && group.count - group.rebuilds === 1;
    if (group.samples.length < MAX_CALL_SAMPLES || firstCall) {
      if (group.samples.length >= MAX_CALL_SAMPLES) group.samples.pop();
      group.samples.push(new CallSample(site.offset, site.op, site));
    }
  }

  private pushPersistent(pid: PyValue, offset: number): void {
    const value = { k: K.Persistent as const, pid, offset };
    if (!this.options.speculative) {
      if (this.doc.persistentIds.length < MAX_RECORDS) this.doc.persistentIds.push(value);
      else this.recordsFull("persistent ids", offset);
    }
    this.push(value);
  }

  private text(win: Uint8Array, r: number, p: number, header: number, n: number, winLen: number, size: number, latin1: boolean): Step | undefined {
    const end = p + header + n;
    if (end > size) return this.structural("truncated", `String of ${n} bytes at offset ${p} runs past the end of the stream`, p);
    if (n <= this.options.limits.maxInlineStringBytes) {
      if (r + header + n > winLen) return this.need(p, header + n);
      this.checkFrame(p, end);
      const start = r + header;
      const value = latin1 ? latin1Decoder.decode(win.subarray(start, start + n)) : decodeUtf8(win, start, n);
      if (n >= MIN_ENCODED_PICKLE) this.noteEncoded(value, p + header);
      this.push(value);
    } else {
      const available = Math.min(LONG_TEXT_HEAD, winLen - r - header);
      if (available < Math.min(LONG_TEXT_HEAD, n)) return this.need(p, header + LONG_TEXT_HEAD);
      this.checkFrame(p, end);
      this.push({ k: K.LongText, offset: p + header, length: n, head: decodeUtf8(win, r + header, available) });
    }
    this.pos = end;
    return undefined;
  }

  private bytes(win: Uint8Array, r: number, p: number, header: number, n: number, size: number, bytearray: boolean): Step | undefined {
    const end = p + header + n;
    if (end > size) return this.structural("truncated", `Bytes payload of ${n} bytes at offset ${p} runs past the end of the stream`, p);
    this.checkFrame(p, end);
    const start = r + header;
    const inWindow = Math.max(0, Math.min(n, win.length - start));
    const value: BytesValue = {
      k: K.Bytes,
      offset: p + header,
      length: n,
      head: inWindow > 0 ? win.slice(start, start + Math.min(inWindow, HEAD_BYTES)) : undefined,
      data: n <= KEEP_BYTES && inWindow === n ? win.slice(start, start + n) : undefined,
      bytearray,
    };
    this.push(value);
    if (value.head) this.noteEmbedded(value);
    this.pos = end;
    return undefined;
  }

  /** Byte payloads that carry a file signature are scanned as files of their own. */
  private noteEmbedded(value: BytesValue): void {
    const h = value.head as Uint8Array;
    let reason: string | undefined;
    if (h[0] === 0x80 && h.length > 1 && (h[1] as number) >= 2 && (h[1] as number) <= 5) reason = "bytes payload starts like a pickle";
    else if (h[0] === 0x50 && h[1] === 0x4b && h[2] === 0x03 && h[3] === 0x04) reason = "bytes payload starts like a zip archive";
    else if (h[0] === 0x93 && h[1] === 0x4e && h[2] === 0x55 && h[3] === 0x4d) reason = "bytes payload starts like a .npy file";
    if (!reason) return;
    if (this.doc.embedded.length < MAX_RECORDS) this.doc.embedded.push({ offset: value.offset, length: value.length, reason });
    else this.recordsFull("embedded payloads", value.offset);
  }

  /** A newline-terminated argument starting at window index `from`; `r` is the op's index. */
  /** Strings that are base64 or hex of a pickle: a payload smuggled as text. */
  private noteEncoded(text: string, offset: number): void {
    const data = decodeEncodedPickle(text);
    if (data && this.doc.embedded.length >= MAX_RECORDS) this.recordsFull("embedded payloads", offset);
    else if (data) {
      this.doc.embedded.push({ offset, length: text.length, reason: "string is an encoded pickle", data });
    }
  }

  private readLine(win: Uint8Array, from: number, r: number, p: number, winLen: number, atEof: boolean): Uint8Array | Step {
    const max = this.options.limits.maxPickleLineBytes;
    const nl = win.indexOf(0x0a, from);
    if (nl === -1 || nl - from > max) {
      if (nl !== -1 || winLen - from > max) {
        return this.limit("maxPickleLineBytes", `Text argument of ${opName(win[r] as number) ?? "op"} at offset ${p} is longer than ${max} bytes`, p);
      }
      if (atEof) return this.structural("truncated", `Pickle ends inside a text argument at offset ${p}`, p);
      return this.need(p, from - r + max + 1);
    }
    return win.subarray(from, nl);
  }

  private textOp(op: number, line: Uint8Array, p: number): Step | undefined {
    switch (op) {
      case Op.INT:
        return this.pushArg(parseIntArg(line), "INT", line, p);
      case Op.LONG:
        return this.pushArg(parseLongArg(line), "LONG", line, p);
      case Op.FLOAT:
        return this.pushArg(parseFloatArg(line), "FLOAT", line, p);
      case Op.STRING:
        return this.pushArg(parseStringArg(line), "STRING", line, p);
      case Op.UNICODE:
        return this.pushArg(parseUnicodeArg(line), "UNICODE", line, p);
      case Op.GET:
      case Op.PUT: {
        const key = parseMemoKey(line);
        if (!key.ok) return this.badArgument(op === Op.GET ? "GET" : "PUT", line, key.why, p);
        if (op === Op.GET) this.push(this.memoGet(key.value, p));
        else this.memoPut(key.value, p);
        return undefined;
      }
      case Op.PERSID: {
        const pid = parseAsciiLine(line, true);
        if (!pid.ok) return this.badArgument("PERSID", line, pid.why, p);
        this.pushPersistent(pid.value, p);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private pushArg(arg: ArgResult<PyValue>, name: string, line: Uint8Array, p: number): Step | undefined {
    if (!arg.ok) return this.badArgument(name, line, arg.why, p);
    if (typeof arg.value === "string" && arg.value.length >= MIN_ENCODED_PICKLE) this.noteEncoded(arg.value, p + 1);
    this.push(arg.value);
    return undefined;
  }

  /** CPython raises on this argument and the load stops here. */
  private badArgument(name: string, line: Uint8Array, why: string, p: number): Step {
    const shown = JSON.stringify(latin1Decoder.decode(line.subarray(0, 40)));
    return this.structural("pickle-bad-argument", `${name} argument ${shown} at offset ${p} is rejected by CPython (${why})`, p);
  }

  private u64(view: DataView, at: number, _p: number): number | undefined {
    const lo = view.getUint32(at, true);
    const hi = view.getUint32(at + 4, true);
    if (hi > 0x1fffff) return undefined;
    return hi * 2 ** 32 + lo;
  }

  /** An op whose bytes run across the end of the current FRAME (CPython gh-154848 parser differential). */
  private checkFrame(p: number, end: number): void {
    if (this.frameEnd > p && end > this.frameEnd) {
      this.frameViolation(p, FrameIssue.Crossing, 0);
    }
  }

  /** Set by a frame violation so the driver can also parse from the frame end, as another reader would. */
  frameResyncs: number[] = [];

  /** The message is built only for the violations that are listed (a flood has millions). */
  private frameViolation(p: number, issue: FrameIssue, n: number): void {
    // Speculative fragments only contribute imports; their frame oddities are noise.
    if (!this.options.speculative && this.frameDefects++ < MAX_FRAME_DEFECTS) {
      const message =
        issue === FrameIssue.Overlap
          ? `A new FRAME starts at offset ${p} before the previous frame ends at ${this.frameEnd}`
          : issue === FrameIssue.PastEnd
            ? `FRAME at offset ${p} declares ${n} bytes, past the end of the stream`
            : `An argument at offset ${p} runs past the end of its FRAME at ${this.frameEnd} (readers disagree on what follows)`;
      this.note(defect("pickle-frame-violation", message, { offset: p, fatal: false }));
      if (this.frameEnd > p && this.frameDefects === 1) {
        // Another reader may stop the argument at the frame end, or treat its data as opcodes:
        // parse from the frame end and from each possible start of the argument's data.
        this.frameResyncs.push(this.frameEnd);
        for (let header = 1; header <= 9; header++) this.frameResyncs.push(p + header);
      }
    }
    this.frameEnd = -1;
  }

  /** A non-fatal defect, kept while the document holds fewer than MAX_LISTED_DEFECTS, else counted. */
  private note(d: Defect): void {
    if (this.doc.defects.length < MAX_LISTED_DEFECTS) this.doc.defects.push(d);
    else this.doc.defectsNotListed = (this.doc.defectsNotListed ?? 0) + 1;
  }

  /** A cap on what the document keeps was reached: reported once per limit, fatal (not fully scanned). */
  private limitOnce(limit: string, message: string, offset: number): void {
    if (this.doc.defects.some((d) => d.limit === limit)) return;
    this.doc.defects.push(defect("limit-exceeded", message, { offset, limit }));
  }

  private recordsFull(what: string, offset: number): void {
    this.limitOnce(`maxRecords:${what}`, `More than ${MAX_RECORDS} ${what} recorded (maxRecords); later ones were not kept`, offset);
  }

  private semantic(code: string, message: string, offset: number): PyValue {
    if (!this.options.speculative && this.reportedSemantic < 64) {
      this.reportedSemantic++;
      this.note(defect(code, message, { offset, fatal: false }));
    }
    return unknown(message);
  }

  /** More bytes for the op at p: ask the driver, or report truncation at the end of input. */
  private more(atEof: boolean, win: Uint8Array, r: number, p: number, n: number): Step {
    return atEof ? this.truncated(win, r, p) : this.need(p, n);
  }

  /**
   * More bytes for the op at p, which step() ran up to its window's end: it runs again from the
   * next window, so it is counted once. (Here rather than in the loop: see runWindow.)
   */
  private need(p: number, n: number): Step {
    this.ops--;
    return { kind: "need", offset: p, length: n };
  }

  private truncated(win: Uint8Array, r: number, p: number): Step {
    return this.structural("truncated", `Pickle ends inside ${opName(win[r] as number) ?? "an op"} at offset ${p}`, p);
  }

  private structural(code: string, message: string, offset: number): Step {
    return { kind: "error", defect: defect(code, message, { offset, fatal: true }) };
  }

  private limit(name: string, message: string, offset: number): Step {
    return { kind: "error", defect: defect("limit-exceeded", message, { offset, limit: name, fatal: true }) };
  }

  private periodicCheck(p: number): Step | undefined {
    const depth = this.stack.length + this.metastack.length;
    if (depth > this.doc.stats.maxStackDepth) this.doc.stats.maxStackDepth = depth;
    const { deadline, now } = this.options;
    if (deadline !== undefined && now !== undefined && now() > deadline) {
      return { kind: "error", defect: defect("timeout", `Pickle scan ran out of time at offset ${p}`, { offset: p, limit: "maxMillisPerFile" }) };
    }
    return undefined;
  }

  /** Flush per-run counters into the document. */
  finish(): void {
    if (this.frameDefects > MAX_FRAME_DEFECTS) {
      const more = this.frameDefects - MAX_FRAME_DEFECTS;
      this.note(defect("pickle-frame-violation", `${more} more FRAME violations in this stream were counted, not listed`, { offset: this.pos, fatal: false }));
      this.frameDefects = 0;
    }
    this.doc.stats.ops += this.ops;
    this.ops = 0;
    this.doc.stats.memoGets += this.memoGets;
    this.doc.stats.memoPuts += this.memoPuts;
    this.memoGets = 0;
    this.memoPuts = 0;
    const depth = this.stack.length + this.metastack.length;
    if (depth > this.doc.stats.maxStackDepth) this.doc.stats.maxStackDepth = depth;
  }
}
