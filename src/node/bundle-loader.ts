// Loads one of the CommonJS bundles that `npm run build` makes (tools/bundle.mjs) with its V8 code
// cache. Why: a whole-process `modelvet scan FILE` spent most of its time before the first byte was
// read, resolving, reading and compiling ~120 ES modules (issue 14). One file compiled from a code
// cache skips the resolution and nearly all of the compiling: Node 20 has no module compile cache
// (module.enableCompileCache is Node 22), so the cache is V8's own (vm.Script cachedData).
//
// Trust: the bundle and its cache are made at build time and shipped in dist/, as trusted as the
// rest of dist/. They are never written at run time and never read from a shared temp folder,
// where another user could plant bytecode. A cache made for another bundle, another V8 or other
// flags is rejected (our build id below, then V8's own checks) and the bundle compiles from source.
// V8 checks a source only by its length: a bundle edited by hand keeps its id and may still run
// the cached code of the old text. Change the sources and rebuild instead.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script, constants } from "node:vm";

/** First line of every bundle: `/* modelvet-bundle <build id> *\/`; the cache file starts with the same id. */
export const BUNDLE_ID_PREFIX = "/* modelvet-bundle ";
/** Bytes of the build id in the cache header (hex of a sha256 prefix). */
export const BUNDLE_ID_LENGTH = 32;

export interface LoadedBundle {
  /** What the bundle's entry module exports. */
  exports: Record<string, unknown>;
  /** The compiled script, for `script.createCachedData()` at build time. */
  script: Script;
  /** True when V8 used the cache; false when there was none or it did not fit. */
  cacheUsed: boolean;
}

/**
 * Set in the environment once v8-tuning.ts's flags are in force, so that worker threads (which
 * inherit a copy of it, and share the process's flags) load the code caches made under them.
 * Here rather than there: a worker needs to know, not node:v8.
 */
export const TUNED_ENV = "MODELVET_V8_TUNED";

/** Whether this process runs under v8-tuning.ts's flags (as far as this thread can tell). */
export function v8Tuned(): boolean {
  return process.env[TUNED_ENV] === "1";
}

/**
 * The cache file of a bundle for V8's flags: `scan-bundle.cjs.v8cache` under V8's defaults (the
 * library in someone else's process), `scan-bundle.cjs.tuned.v8cache` under the bin's
 * (v8-tuning.ts). V8 takes a cache only under the flags it was made with.
 */
export const cacheFileOf = (bundleFile: string, tuned: boolean = v8Tuned()): string => `${bundleFile}${tuned ? ".tuned" : ""}.v8cache`;

/**
 * Runs the bundle at `bundleFile` as a CommonJS module and returns its exports, or undefined when
 * there is no bundle (a build without one, or a source checkout), so that the caller falls back to
 * the ES modules. A bundle that exists but fails to load throws: that is a broken install, not an
 * input, and hiding it would hide the fault.
 */
export function loadBundle(bundleFile: string): LoadedBundle | undefined {
  let source: string;
  try {
    // latin1: the bundle is ASCII (esbuild escapes the rest), and latin1 skips UTF-8 validation.
    source = readFileSync(bundleFile, "latin1");
  } catch {
    return undefined;
  }
  const cachedData = matchingCache(source, bundleFile);
  // The same wrapper Node gives a CommonJS module, so the bundle's `require` and `__dirname` work.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, {
    filename: bundleFile,
    cachedData,
    // Packages the bundle leaves out (ES modules such as @huggingface/hub) load through Node's own
    // loader, resolved from the bundle's folder, as they would from the unbundled files.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} as Record<string, unknown> };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(bundleFile), module, bundleFile, dirname(bundleFile));
  return { exports: module.exports, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

/** The V8 data of the bundle's cache file when its header names this very bundle build; else undefined. */
function matchingCache(source: string, bundleFile: string): Buffer | undefined {
  if (!source.startsWith(BUNDLE_ID_PREFIX)) return undefined;
  const id = source.slice(BUNDLE_ID_PREFIX.length, BUNDLE_ID_PREFIX.length + BUNDLE_ID_LENGTH);
  let cache: Buffer;
  try {
    cache = readFileSync(cacheFileOf(bundleFile));
  } catch {
    return undefined;
  }
  if (cache.length <= BUNDLE_ID_LENGTH || cache.toString("latin1", 0, BUNDLE_ID_LENGTH) !== id) return undefined;
  return cache.subarray(BUNDLE_ID_LENGTH);
}
