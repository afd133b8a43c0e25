import type { ByteSource } from "../../core/byte-source.js";
import { defect } from "../../core/defect.js";
import { DEFAULT_LIMITS, type Limits } from "../../core/limits.js";
import type { PickleDocument } from "./types.js";
import { isOpcode } from "./opcodes.js";
import { PickleVM, emptyDocument, type PickleHooks, type Step, type VmOptions } from "./vm.js";

/**
 * Bytes fetched per read. Large enough to amortise awaits, small enough to skip payloads cheaply
 * and to stay in the CPU's caches: 256 KiB against 1 MiB took an opcode-dense 100 MB list from
 * 1.08 to 0.88 s end to end and its peak RSS from 128 to 106 MB (4 MiB was slower still), with the
 * vocabulary and tuple cases the same or better (bench/pickle-throughput.mjs, issue 14).
 */
const WINDOW = 256 * 1024;
/**
 * First window of a stream, doubled up to WINDOW. The VM's loop returns at each window's end; a
 * short first run lets V8 see that exit (and the loop's entry) before it optimizes the loop, rather
 * than throwing the optimized loop away at the end of the first megabyte.
 */
const FIRST_WINDOW = 64 * 1024;
/** First window after a jump over raw data. */
const SMALL_WINDOW = 16 * 1024;
/** Places after a parse error or in trailing data where a hidden stream may start (CWE-834). */
const MAX_RESYNC_CANDIDATES = 64;

export interface ParsePickleOptions {
  limits?: Limits;
  hooks?: PickleHooks;
  /** Offset of the first pickle in the source. */
  start?: number;
  /** Parse only up to here (exclusive); defaults to the source size. */
  end?: number;
  /** Stop after this many pickles (legacy torch has exactly five before raw data). */
  maxStreams?: number;
  now?: () => number;
  deadline?: number;
  /**
   * The content only weakly looked like a pickle (protocol 0/1 has no magic): skip the search for
   * hidden streams unless what was parsed is convincingly a pickle (`doc.convincing`).
   */
  trial?: boolean;
}

/**
 * Parses every pickle in `source` (concatenated pickles included), then looks for hidden streams
 * after errors, FRAME violations and in trailing data. It never throws on bad bytes: problems are
 * `defects` in the returned document, and whatever was seen before them is kept.
 *
 * @example
 * const doc = await parsePickle(new MemorySource(bytes));
 * for (const imp of doc.imports) console.log(imp.module, imp.name);
 */
export async function parsePickle(source: ByteSource, options: ParsePickleOptions = {}): Promise<PickleDocument> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const doc = emptyDocument();
  const start = options.start ?? 0;
  let size = Math.min(options.end ?? source.size, source.size);
  if (size - start > limits.maxPickleBytes) {
    doc.defects.push(
      defect("limit-exceeded", `Pickle stream of ${size - start} bytes exceeds the limit of ${limits.maxPickleBytes}; only the first part was scanned`, {
        offset: start + limits.maxPickleBytes,
        limit: "maxPickleBytes",
      }),
    );
    size = start + limits.maxPickleBytes;
  }
  const vmOptions = { limits, speculative: false, hooks: options.hooks, now: options.now, deadline: options.deadline };
  const maxStreams = Math.min(options.maxStreams ?? Infinity, limits.maxPicklesPerStream);
  const resyncFrom: number[] = [];
  let pos = start;
  doc.endOffset = start;

  let streams = 0;
  while (pos < size) {
    if (streams >= maxStreams) {
      // The caller's own count (legacy torch: five pickles, then raw storage) ends quietly; the
      // limit does not: a loader calling load() in a loop would read on.
      if (streams >= limits.maxPicklesPerStream) {
        doc.defects.push(
          defect("limit-exceeded", `More than ${limits.maxPicklesPerStream} concatenated pickles; the rest from offset ${pos} was not scanned`, {
            offset: pos,
            limit: "maxPicklesPerStream",
          }),
        );
      }
      break;
    }
    // Each VM checks the clock every few thousand ops; many tiny pickles need a check of their own.
    if (options.deadline !== undefined && options.now !== undefined && options.now() > options.deadline) {
      doc.defects.push(defect("timeout", `Pickle scan ran out of time at offset ${pos}`, { offset: pos, limit: "maxMillisPerFile" }));
      break;
    }
    streams++;
    const vm = new PickleVM(doc, pos, vmOptions);
    const step = await drive(vm, source, size);
    const ops = vm.ops;
    vm.finish();
    doc.streams.push({ start: pos, end: vm.pos, proto: vm.proto, ops, speculative: false });
    // One at a time: a FRAME flood makes this list as long as the file (no spread into a call).
    for (const offset of vm.frameResyncs) if (resyncFrom.length < MAX_RESYNC_CANDIDATES) resyncFrom.push(offset);
    if (step.kind === "stop") {
      doc.reachedStop = true;
      pos = step.end;
      doc.endOffset = pos;
      if (pos >= size) break;
      const next = await source.read(pos, Math.min(2, size - pos));
      if (next[0] === 0x80 && (next[1] ?? 0xff) <= 5) continue;
      // A second load() call reads the next pickle whatever its protocol (`I1\n.` + payload).
      // Protocol 0/1 has no magic, so a trial run on a scratch document decides: a stream that
      // reaches STOP or imports a global is a pickle; anything else stays trailing data.
      // Not past the caller's own count: what follows legacy torch's five pickles is raw storage.
      if (streams < (options.maxStreams ?? Infinity) && isOpcode(next[0] as number) && (await isFollowOnPickle(source, pos, size, doc, vmOptions))) continue;
      doc.trailing = { offset: pos, length: size - pos };
      resyncFrom.push(pos);
      break;
    }
    if (step.kind === "eof") {
      doc.defects.push(defect("pickle-no-stop", `Pickle stream starting at offset ${pos} ends without STOP`, { offset: vm.pos }));
      break;
    }
    if (step.kind === "error") {
      doc.defects.push(step.defect);
      // A real loader stops here, after running everything before the error. Other readers (or a
      // second load call) may start again further on, so look for hidden streams in the rest.
      if (step.defect.code !== "limit-exceeded" && step.defect.code !== "timeout") resyncFrom.push((step.defect.offset ?? vm.pos) + 1);
      break;
    }
    if (step.kind === "need") break; // unreachable: drive() only returns final steps
  }

  doc.convincing = isConvincing(doc, start, size);
  // A weak candidate that does not parse convincingly is left to the caller to judge; searching
  // all of a large non-pickle file for hidden streams would read it whole for nothing.
  if (!(options.trial && !doc.convincing)) await scanHiddenStreams(source, doc, resyncFrom, size, { ...vmOptions, speculative: true });
  if (doc.defectsNotListed) {
    doc.defects.push(defect("pickle-defects-not-listed", `${doc.defectsNotListed} more non-fatal defects were counted, not listed`, { offset: doc.endOffset, fatal: false }));
  }
  return doc;
}

async function isFollowOnPickle(source: ByteSource, pos: number, size: number, doc: PickleDocument, vmOptions: VmOptions): Promise<boolean> {
  const scratch = emptyDocument();
  scratch.stats.ops = doc.stats.ops;
  const vm = new PickleVM(scratch, pos, vmOptions);
  const step = await drive(vm, source, size);
  return step.kind === "stop" || scratch.imports.some((imp) => imp.resolved);
}

/**
 * A protocol-0/1 candidate is a pickle when it made a call through a literal import (the payload
 * shape) or when complete pickles cover most of it. A README that happens to start with "N." is not.
 */
function isConvincing(doc: PickleDocument, start: number, size: number): boolean {
  for (const group of doc.calls.values()) if (group.imp?.resolved) return true;
  return doc.reachedStop && doc.endOffset - start >= (size - start) / 2 && doc.stats.ops >= 2;
}

async function drive(vm: PickleVM, source: ByteSource, size: number): Promise<Step> {
  let winStart = vm.pos;
  if (winStart >= size) return { kind: "eof" };
  let window = FIRST_WINDOW;
  let win = await source.read(winStart, Math.min(window, size - winStart));
  for (;;) {
    const step = vm.run(win, winStart, size);
    if (step.kind !== "need") return step;
    // After a jump over raw data (a skipped payload, joblib arrays) start small again: the next
    // op may be followed by another jump, and reading a full window each time would read most of
    // a file made of many mid-sized arrays. Contiguous parsing grows the window back.
    window = step.offset > winStart + win.length ? SMALL_WINDOW : Math.min(window * 2, WINDOW);
    winStart = step.offset;
    win = await source.read(winStart, Math.min(Math.max(window, step.length), size - winStart));
  }
}

/**
 * Parses speculative fragments: from each resync point, and from every place after it that
 * starts like a pickle (PROTO) or a protocol-0 GLOBAL. Only literal imports found there count.
 */
async function scanHiddenStreams(
  source: ByteSource,
  doc: PickleDocument,
  from: number[],
  size: number,
  vmOptions: ConstructorParameters<typeof PickleVM>[2],
): Promise<void> {
  if (from.length === 0) return;
  const candidates = new Set<number>();
  for (const offset of from) if (offset < size) candidates.add(offset);
  let searchFrom = size;
  for (const offset of from) searchFrom = Math.min(searchFrom, offset);
  for (let at = searchFrom; at < size && candidates.size < MAX_RESYNC_CANDIDATES; at += WINDOW - 1) {
    const win = await source.read(at, Math.min(WINDOW, size - at));
    findStreamStarts(win, at, candidates);
  }
  if (candidates.size >= MAX_RESYNC_CANDIDATES) {
    doc.defects.push(
      defect("limit-exceeded", `More than ${MAX_RESYNC_CANDIDATES} places after offset ${searchFrom} where a hidden pickle may start; only the first were parsed`, {
        offset: searchFrom,
        limit: "maxResyncCandidates",
        fatal: false,
      }),
    );
  }
  const scanned = new Set<number>();
  for (const offset of [...candidates].sort((a, b) => a - b)) {
    if (scanned.has(offset)) continue;
    scanned.add(offset);
    const vm = new PickleVM(doc, offset, vmOptions);
    const step = await drive(vm, source, size);
    const ops = vm.ops;
    vm.finish();
    if (step.kind === "error" && step.defect.limit === "maxSpeculativeOps" && !doc.defects.some((d) => d.limit === "maxSpeculativeOps")) doc.defects.push(step.defect);
    if (ops > 1) doc.streams.push({ start: offset, end: vm.pos, proto: vm.proto, ops, speculative: true });
    if (step.kind === "stop") scanned.add(step.end);
  }
}

function findStreamStarts(win: Uint8Array, base: number, out: Set<number>): void {
  for (let i = 0; i < win.length - 1 && out.size < MAX_RESYNC_CANDIDATES; i++) {
    const b = win[i] as number;
    if (b === 0x80 && (win[i + 1] as number) >= 2 && (win[i + 1] as number) <= 5) out.add(base + i);
    else if (b === 0x63 /* c */ && isGlobalText(win, i + 1)) out.add(base + i);
  }
}

/** `module\nname\n` with identifier characters, as a protocol-0 GLOBAL argument. */
function isGlobalText(win: Uint8Array, at: number): boolean {
  let lines = 0;
  let length = 0;
  for (let i = at; i < win.length && i < at + 256; i++) {
    const c = win[i] as number;
    if (c === 0x0a) {
      if (length === 0) return false;
      if (++lines === 2) return true;
      length = 0;
      continue;
    }
    const ident = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x2e || (length > 0 && c >= 0x30 && c <= 0x39);
    if (!ident) return false;
    length++;
  }
  return false;
}
