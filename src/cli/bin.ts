#!/usr/bin/env node
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadBundle } from "../node/bundle-loader.js";
import { tuneV8ForScans } from "../node/v8-tuning.js";

type Main = typeof import("./main.js").main;

const [command, ...rest] = process.argv.slice(2);

// First, before any code is compiled: for a scan of folders or of several files, V8's optimizing
// compiler tuned for many short scans (node/v8-tuning.ts has the why and the figures). A lone file
// keeps V8's defaults, under which a long stream runs faster. Only speed depends on this guess.
if (command === "scan" && manyFiles(rest)) tuneV8ForScans();

// `modelvet scan …`, the call hooks and CI jobs make per file, runs from one bundled file compiled
// from a V8 code cache (node/bundle-loader.ts says why). Every other command, and a build without
// the bundle, loads the ES modules; MODELVET_NO_BUNDLE=1 forces that path (for debugging: stack
// traces then name the source files).
const bundle =
  command === "scan" && process.env.MODELVET_NO_BUNDLE === undefined ? loadBundle(fileURLToPath(new URL("./scan-bundle.cjs", import.meta.url))) : undefined;
const main = (bundle?.exports.main as Main | undefined) ?? (await import("./main.js")).main;

// exitCode rather than process.exit(): stdout may still be draining into a pipe.
process.exitCode = await main(process.argv);

/** Whether the arguments name a folder or more than one file (options and their values are mostly not paths). */
function manyFiles(args: readonly string[]): boolean {
  let files = 0;
  for (const arg of args) {
    if (arg.startsWith("-")) continue;
    const info = statSync(arg, { throwIfNoEntry: false });
    if (info?.isDirectory() === true) return true;
    if (info?.isFile() === true && ++files > 1) return true;
  }
  return false;
}
