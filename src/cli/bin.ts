#!/usr/bin/env node
import { fileURLToPath } from "node:url";
import { loadBundle } from "../node/bundle-loader.js";

type Main = typeof import("./main.js").main;

// `modelvet scan …`, the call hooks and CI jobs make per file, runs from one bundled file compiled
// from a V8 code cache (node/bundle-loader.ts says why). Every other command, and a build without
// the bundle, loads the ES modules; MODELVET_NO_BUNDLE=1 forces that path (for debugging: stack
// traces then name the source files).
const bundle =
  process.argv[2] === "scan" && process.env.MODELVET_NO_BUNDLE === undefined
    ? loadBundle(fileURLToPath(new URL("./scan-bundle.cjs", import.meta.url)))
    : undefined;
const main = (bundle?.exports.main as Main | undefined) ?? (await import("./main.js")).main;

// exitCode rather than process.exit(): stdout may still be draining into a pipe.
process.exitCode = await main(process.argv);
