#!/usr/bin/env node
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadBundle } from "../node/bundle-loader.js";
import { scansInThread, startEarlyWorker } from "../node/scan-worker-spawn.js";
import { tuneV8ForScans } from "../node/v8-tuning.js";

type Main = typeof import("./main.js").main;

const [command, ...rest] = process.argv.slice(2);
// What the arguments name, as the scan will see it: a file's size, undefined for a folder.
const sizes = command === "scan" ? targetSizes(rest) : undefined;

// First, before any code is compiled: for a scan of folders or of several files, V8's optimizing
// compiler tuned for many short scans (node/v8-tuning.ts has the why and the figures). A lone file
// keeps V8's defaults, under which a long stream runs faster.
if (sizes !== undefined && (sizes.length > 1 || sizes.includes(undefined))) tuneV8ForScans();
// A scan that will need a worker thread starts one now, so that the worker's start overlaps the
// CLI's (node/scan-worker-spawn.ts); the scan pool takes it over. Both are guesses from the
// arguments, and only speed depends on them.
if (sizes !== undefined && !scansInThread(sizes)) startEarlyWorker();

// `modelvet scan …`, the call hooks and CI jobs make per file, runs from one bundled file compiled
// from a V8 code cache (node/bundle-loader.ts says why). Every other command, and a build without
// the bundle, loads the ES modules; MODELVET_NO_BUNDLE=1 forces that path (for debugging: stack
// traces then name the source files).
const bundle =
  command === "scan" && process.env.MODELVET_NO_BUNDLE === undefined ? loadBundle(fileURLToPath(new URL("./scan-bundle.cjs", import.meta.url))) : undefined;
const main = (bundle?.exports.main as Main | undefined) ?? (await import("./main.js")).main;

// exitCode rather than process.exit(): stdout may still be draining into a pipe.
process.exitCode = await main(process.argv);

/** Each folder (undefined) and file (its size) the arguments name; options and their values are mostly not paths. */
function targetSizes(args: readonly string[]): (number | undefined)[] {
  const sizes: (number | undefined)[] = [];
  for (const arg of args) {
    if (arg.startsWith("-")) continue;
    let info;
    try {
      info = statSync(arg, { throwIfNoEntry: false });
    } catch {
      continue; // not a path this guess can use (too long, a file in the middle…): the scan reports it
    }
    if (info?.isDirectory() === true) sizes.push(undefined);
    else if (info?.isFile() === true) sizes.push(info.size);
  }
  return sizes;
}
