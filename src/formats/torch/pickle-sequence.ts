import type { ByteSource } from "../../core/byte-source.js";
import type { Defect } from "../../core/defect.js";
import type { Limits } from "../../core/limits.js";
import type { PickleDocument } from "../pickle/types.js";
import type { PyValue } from "../pickle/values.js";
import { PickleVM, type PickleHooks, type Step } from "../pickle/vm.js";

/** First read per pickle: most pickles of a sequence are a few bytes, and raw data follows. */
const FIRST_WINDOW = 4 * 1024;
/** Reads grow to this for long pickles (a whole-module object pickle). */
const MAX_WINDOW = 1024 * 1024;

export interface SequenceOptions {
  limits: Limits;
  /** Hooks for raw data written after a BUILD (joblib arrays). */
  hooks?: PickleHooks;
  now?: () => number;
  deadline?: number;
}

export type PickleAt = { ok: true; end: number; value: PyValue } | { ok: false; defect: Defect };

/**
 * Runs the one pickle that starts at `start` into the shared `doc`, for files that interleave
 * pickles with raw data (torch's legacy files and tar members, joblib dumps): the caller (or a
 * hook) skips the raw bytes. Reads start small and grow, and start small again after a skip, so
 * raw data is not read on the way. Bad bytes come back as a defect, also recorded in `doc`.
 *
 * @example
 * const count = await pickleAt(source, doc, 0, options);
 * if (count.ok) next = count.end;
 */
export async function pickleAt(source: ByteSource, doc: PickleDocument, start: number, options: SequenceOptions): Promise<PickleAt> {
  const vm = new PickleVM(doc, start, { limits: options.limits, speculative: false, hooks: options.hooks, now: options.now, deadline: options.deadline });
  const results = doc.results.length;
  const step = await drive(vm, source);
  vm.finish();
  doc.streams.push({ start, end: vm.pos, proto: vm.proto, ops: vm.ops, speculative: false });
  if (step.kind === "stop") {
    doc.reachedStop = true;
    doc.endOffset = Math.max(doc.endOffset, step.end);
    return { ok: true, end: step.end, value: doc.results.length > results ? (doc.results[doc.results.length - 1] as PyValue) : null };
  }
  const defect: Defect =
    step.kind === "error" ? step.defect : { code: "pickle-no-stop", message: `Pickle starting at offset ${start} ends without STOP`, offset: vm.pos, fatal: true };
  doc.defects.push(defect);
  return { ok: false, defect };
}

async function drive(vm: PickleVM, source: ByteSource): Promise<Step> {
  const size = source.size;
  let winStart = vm.pos;
  if (winStart >= size) return { kind: "eof" };
  let window = FIRST_WINDOW;
  let win = await source.read(winStart, Math.min(window, size - winStart));
  for (;;) {
    const step = vm.run(win, winStart, size);
    if (step.kind !== "need") return step;
    // Ran off the window: grow it. Jumped past it (raw data skipped by a hook): start small again,
    // since only a few opcodes usually sit between two raw arrays.
    window = step.offset > winStart + win.length ? FIRST_WINDOW : Math.min(window * 2, MAX_WINDOW);
    winStart = step.offset;
    win = await source.read(winStart, Math.min(Math.max(window, step.length), size - winStart));
  }
}
