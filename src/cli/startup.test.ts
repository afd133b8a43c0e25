import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

// What the installed bin loads: start-up is most of what a hook or CI step calling modelvet per
// file pays (issue 14). These tests fail when someone brings back an eager import of a parser, a
// rule family or a heavy dependency. They run the build (npm run build), as a user runs the bin.
const ROOT = new URL("../../", import.meta.url).pathname;
const BIN = join(ROOT, "dist/cli/bin.js");
const PICKLE = join(ROOT, "samples/classifier.pkl");

/** Third-party packages that only some formats or commands need. */
const HEAVY_PACKAGES = ["yaml", "@huggingface/jinja", "htmlparser2", "jsfive", "@lezer/python", "fflate", "fzstd", "smol-toml", "@renovatebot/pep440", "@sigstore/verify", "@sigstore/bundle", "fastify", "better-sqlite3", "@fastify/swagger"];

/**
 * Every module the bin loads: each URL the ESM loader loads (entry points of CommonJS packages
 * included), via a load hook, and each file `require()` loads (the bundles' packages), via a
 * preload that watches Module._load.
 */
function loadedModules(args: string[], env: Record<string, string> = {}): { status: number | null; modules: string[]; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), "modelvet-startup-"));
  const hook = join(dir, "hook.mjs");
  const register = join(dir, "register.mjs");
  const preload = join(dir, "preload.cjs");
  writeFileSync(hook, 'export async function load(url, context, next) { process.stderr.write(`LOADED ${url}\\n`); return next(url, context); }\n');
  writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
  writeFileSync(
    preload,
    'const Module = require("node:module"); const { pathToFileURL } = require("node:url"); const load = Module._load;\n' +
      "Module._load = function (request, parent, isMain) { const exports = load.apply(this, arguments);\n" +
      '  try { process.stderr.write(`LOADED ${pathToFileURL(Module._resolveFilename(request, parent)).href}\\n`); } catch {}\n' +
      "  return exports; };\n",
  );
  const result = spawnSync(process.execPath, ["--require", preload, "--import", pathToFileURL(register).href, BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  rmSync(dir, { recursive: true, force: true });
  const modules = result.stderr.split("\n").filter((l) => l.startsWith("LOADED ")).map((l) => l.slice("LOADED ".length));
  return { status: result.status, modules, stdout: result.stdout };
}

const fromPackage = (modules: string[], name: string): string[] => modules.filter((m) => m.includes(`/node_modules/${name}/`));
const fromDist = (modules: string[], folder: string): string[] => modules.filter((m) => m.includes(`/dist/${folder}/`));

describe.skipIf(!existsSync(BIN))("start-up: what the bin loads (dist/)", () => {
  for (const flag of ["--version", "--help"]) {
    it(`${flag} loads no format, rule, engine or heavy dependency`, () => {
      const { status, modules } = loadedModules([flag]);
      expect(status).toBe(0);
      expect(modules.some((m) => m.endsWith("/dist/cli/main.js"))).toBe(true);
      for (const folder of ["formats", "rules", "engine", "audit", "web", "inspect", "convert", "extract"]) expect(fromDist(modules, folder), folder).toEqual([]);
      expect(modules.filter((m) => m.includes("/node_modules/") && !m.includes("/node_modules/commander/"))).toEqual([]);
      // The command list is definitions only: each command's code loads when it runs.
      expect(modules.filter((m) => /\/dist\/node\/(scan-paths|remote-scan|folder-pass|signing\/)/.test(m))).toEqual([]);
    });
  }

  // The ES module graph: what the library loads, and the bin without its bundle.
  it("scanning one pickle loads the pickle parser and rules, and no other format's parser or heavy dependency", () => {
    const { status, modules } = loadedModules(["scan", PICKLE], { MODELVET_NO_BUNDLE: "1" });
    expect(status).toBe(0);
    expect(fromDist(modules, "formats/pickle").some((m) => m.endsWith("/parse.js"))).toBe(true);
    expect(fromDist(modules, "rules/pickle").length).toBeGreaterThan(0);
    for (const name of HEAVY_PACKAGES) expect(fromPackage(modules, name), name).toEqual([]);
    // Other formats contribute their sniffers only (sniff.ts and what it needs), never a handler.
    expect(fromDist(modules, "formats").filter((m) => m.endsWith("/handler.js") && !m.includes("/formats/pickle/"))).toEqual([]);
    const ruleFamilies = new Set(fromDist(modules, "rules").map((m) => /\/dist\/rules\/([^/]+)\//.exec(m)?.[1]).filter((f) => f !== undefined));
    // filesystem (FS001) loads only when the walk meets a symlink.
    expect([...ruleFamilies].sort()).toEqual(["pickle"]);
    // A one-file scan runs in this thread: no worker reloads the engine.
    expect(modules.filter((m) => m.endsWith("/dist/node/scan-worker.js"))).toEqual([]);
  });

  it("scan runs from the bundle: no scanner module loads on its own, and no heavy package loads for a pickle", () => {
    const { status, modules } = loadedModules(["scan", PICKLE]);
    expect(status).toBe(0);
    expect(modules.some((m) => m.endsWith("/dist/cli/scan-bundle.cjs") || m.endsWith("/dist/cli/bin.js"))).toBe(true);
    for (const folder of ["formats", "rules", "engine", "policy", "report"]) expect(fromDist(modules, folder), folder).toEqual([]);
    for (const name of HEAVY_PACKAGES) expect(fromPackage(modules, name), name).toEqual([]);
  });

  it("the bundle reports exactly what the ES modules report (files, folders, workers)", () => {
    const samples = join(ROOT, "samples");
    // More than one file: the scan goes to the worker pool, so the worker's bundle runs too.
    // One file of each family whose parser is a bundled package (jinja, yaml, jsfive, lezer, htmlparser2, fzstd).
    const families = [
      "gguf/benign/llama3_template.gguf",
      "hf-config/benign/chat_template.json",
      "yaml-config/benign/model_config.yaml",
      "keras/benign/legacy_dense.h5",
      "keras/benign/dense.keras",
      "notebook/benign/training_analysis.ipynb",
      "notebook/malicious",
      "archives/malicious-evil.pkl.zst",
      "mlflow/benign/recipe_card_static.html",
    ].map((path) => join(ROOT, "fixtures", path));
    const args = ["scan", samples, PICKLE, ...families, "--format", "json"];
    const bundled = loadedModules(args);
    const modules = loadedModules(args, { MODELVET_NO_BUNDLE: "1" });
    expect(bundled.status).toBe(1); // samples/ holds a malicious model
    expect(modules.status).toBe(1);
    expect(bundled.modules.some((m) => m.endsWith("/dist/node/scan-worker-boot.js"))).toBe(true);
    expect(fromDist(bundled.modules, "formats")).toEqual([]);
    const comparable = (json: string): unknown => JSON.parse(json, (key, value: unknown) => (key === "millis" ? 0 : value));
    expect(comparable(bundled.stdout)).toEqual(comparable(modules.stdout));
  });
});

describe.skipIf(!existsSync(BIN))("start-up: the bin's guesses from its arguments (dist/)", () => {
  it("a path the bin cannot stat before the CLI loads (too long, through a file) is reported by the scan, not a crash", () => {
    const args = ["scan", "a".repeat(5000), `${PICKLE}/inside`, join(ROOT, "samples"), "--format", "json"];
    const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(1);
    const files = (JSON.parse(result.stdout) as { files: { path: string; verdict: string }[] }).files;
    expect(files.filter((f) => f.verdict === "error").map((f) => f.path.length > 4000 || f.path.endsWith("/inside"))).toEqual([true, true]);
  });
});

describe.skipIf(!existsSync(BIN))("start-up: the bundles' code caches fit this Node (dist/)", () => {
  // A cache V8 rejects costs nothing but speed, so only this test would notice a build that
  // writes caches no run can use (other flags, a warm-up in another V8).
  // tuned: as the bin runs, under node/v8-tuning.ts's flags (set in the main thread, before the worker starts).
  const probe = (bundle: string, inWorker: boolean, tuned: boolean): string => {
    const loader = pathToFileURL(join(ROOT, "dist/node/bundle-loader.js")).href;
    const tuning = pathToFileURL(join(ROOT, "dist/node/v8-tuning.js")).href;
    const code = `import(${JSON.stringify(loader)}).then((m) => { const b = m.loadBundle(${JSON.stringify(join(ROOT, "dist", bundle))}); console.log(b.cacheUsed); });`;
    const load = inWorker ? `new (require("node:worker_threads").Worker)(${JSON.stringify(code)}, { eval: true });` : code;
    const script = tuned ? `import(${JSON.stringify(tuning)}).then((t) => { t.tuneV8ForScans(); ${load} });` : load;
    const env = { ...process.env };
    delete env.MODELVET_V8_TUNED;
    delete env.MODELVET_V8_DEFAULTS;
    return spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env }).stdout.trim();
  };

  for (const tuned of [false, true]) {
    const flags = tuned ? "the bin's V8 flags" : "V8's default flags";
    it(`the CLI's bundle loads with its cache under ${flags}`, () => expect(probe("cli/scan-bundle.cjs", false, tuned)).toBe("true"));
    it(`the worker's bundle loads with its cache in a worker thread under ${flags}`, () => expect(probe("node/scan-worker-bundle.cjs", true, tuned)).toBe("true"));
  }

  it("a cache made under other flags is not used (so each set of flags needs its own)", () => {
    // The default cache offered under the bin's flags: V8 refuses it, the bundle still runs.
    const loader = pathToFileURL(join(ROOT, "dist/node/bundle-loader.js")).href;
    const tuning = pathToFileURL(join(ROOT, "dist/node/v8-tuning.js")).href;
    const script = `import(${JSON.stringify(tuning)}).then(async (t) => { t.tuneV8ForScans(); delete process.env.MODELVET_V8_TUNED; const m = await import(${JSON.stringify(loader)}); const b = m.loadBundle(${JSON.stringify(join(ROOT, "dist/cli/scan-bundle.cjs"))}); console.log(b.cacheUsed, b.script.cachedDataRejected, typeof b.exports.main); });`;
    expect(spawnSync(process.execPath, ["-e", script], { encoding: "utf8" }).stdout.trim()).toBe("false true function");
  });
});
