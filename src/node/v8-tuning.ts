// V8's optimizing compiler, tuned for what a folder scan runs: many short scans. A folder of 2,000
// small pickles spent 1.3 s of its 1.7 s of CPU in TurboFan (--trace-opt), compiling functions
// that had run for only a few milliseconds, and each worker thread compiles them again. Smaller
// inlining budgets and a later start make those compiles fewer and cheaper: through the bin, the
// same folder took 0.94-0.99 s instead of 1.10-1.19 s, with 20 % less CPU. A long stream in one
// file is the opposite case (a 134 MB vocabulary: 0.66 s with V8's defaults, 0.75 s tuned), so
// the bin tunes only a scan of folders or of several files (bench/folders.mjs,
// bench/pickle-throughput.mjs; issue 14).
//
// Only the bin sets them (for its whole process): flags are per process, and a library must not
// change its host's. The code caches are made under both sets of flags (V8 rejects a cache made
// under other flags), and bundle-loader.ts picks the one that fits.
import { setFlagsFromString } from "node:v8";
import { TUNED_ENV } from "./bundle-loader.js";

/**
 * The flags: budgets and thresholds of the optimizing compiler only, which V8 reads when it
 * compiles a function, so setting them at start-up, before any scan, changes nothing else. Never
 * add one that shapes the heap or its threads: --single-threaded-gc set at run time made V8 abort
 * (a failed check in its marker) on the next collection.
 */
export const SCAN_V8_FLAGS: readonly string[] = ["--max-inlined-bytecode-size-cumulative=100", "--interrupt-budget=200000"];

/** Applies SCAN_V8_FLAGS to this process (again is harmless); MODELVET_V8_DEFAULTS=1 keeps V8's own defaults. */
export function tuneV8ForScans(): void {
  if (process.env.MODELVET_V8_DEFAULTS === "1") {
    delete process.env[TUNED_ENV];
    return;
  }
  setFlagsFromString(SCAN_V8_FLAGS.join(" "));
  process.env[TUNED_ENV] = "1";
}
