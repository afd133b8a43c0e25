// Part of `npm run build`, after tsc: bundles into one CommonJS file each
// - what `modelvet scan` runs (dist/cli/scan-bundle.cjs, loaded by bin.js), and
// - what a scan pool's worker thread runs (dist/node/scan-worker-bundle.cjs, loaded by scan-worker-boot.js),
// and writes each one's V8 code caches (`<bundle>.v8cache` for V8's default flags, `<bundle>.tuned.v8cache`
// for the bin's) after a warm-up scan of the samples and a few fixtures, so that a cache holds the
// functions a scan compiles, not only the top level.
// Why: src/node/bundle-loader.ts. Bundles are made from dist/ (tsc's output): the same code as the
// ES modules, in one file.
//
// What stays out: npm packages but the parsers listed in BUNDLED_PACKAGES (the others load when an
// option needs them, as before), and from the CLI bundle every command but scan (bin.js sends the
// others to the ES modules: a second copy of a module in one process would break `instanceof`
// between the copies).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { MessageChannel } from "node:worker_threads";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
const { BUNDLE_ID_PREFIX, BUNDLE_ID_LENGTH, cacheFileOf, loadBundle } = await import(pathToFileURL(join(dist, "node/bundle-loader.js")).href);
const { DEFAULT_POLICY_DATA } = await import(pathToFileURL(join(dist, "policy/default.js")).href);

/**
 * The npm packages inside the bundles: the CLI's parser, and the parsers formats need (their code
 * then comes from the code cache too, which matters most to workers, each of which loads them
 * anew). Their modules are still evaluated only when a file needs them. Left out: packages only a
 * rare option needs (signatures, CycloneDX) or that are native.
 */
const BUNDLED_PACKAGES = new Set([
  "commander",
  "@huggingface/jinja",
  "@lezer/python",
  "@lezer/lr",
  "@lezer/common",
  "@renovatebot/pep440",
  "fflate",
  "fzstd",
  "htmlparser2",
  "domhandler",
  "domelementtype",
  "domutils",
  "dom-serializer",
  "@lezer/highlight",
  "entities",
  "jsfive",
  "smol-toml",
  "yaml",
]);
const packageOf = (specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

/**
 * Files users scan most: what the warm-up scans, so the cache holds the functions they need. The
 * first CLI_WARM_FILES (pickles, safetensors, torch, NumPy, GGUF) warm the CLI's bundle; all of
 * them warm the workers', which scan folders of anything.
 */
const CLI_WARM_FILES = 7;
const WARM_FILES = [
  "samples/classifier.pkl",
  "samples/suspicious_model.bin",
  "samples/embeddings.pkl",
  "fixtures/safetensors/benign/torch_state_dict.safetensors",
  "fixtures/torch/benign/checkpoint.bin",
  "fixtures/torch/benign/arrays.npz",
  "fixtures/gguf/benign/llama3_template.gguf",
  "fixtures/hf-config/benign/chat_template.json",
  "fixtures/yaml-config/benign/model_config.yaml",
  "fixtures/keras/benign/legacy_dense.h5",
  "fixtures/keras/benign/dense.keras",
  "fixtures/notebook/benign/training_analysis.ipynb",
  "fixtures/archives/malicious-evil.pkl.zst",
  "fixtures/mlflow/benign/recipe_card_static.html",
].map((path) => join(root, path));

// Two steps: this process bundles; then a child process per set of V8 flags (V8's defaults, and
// the bin's, src/node/v8-tuning.ts) loads each bundle, warms it up and writes its cache. Flags
// are per process and a cache fits only the flags it was made under, hence one child each.
const BUNDLES = [
  { entry: "cli/main.js", out: "cli/scan-bundle.cjs", warm: warmCli },
  { entry: "node/scan-worker.js", out: "node/scan-worker-bundle.cjs", warm: warmWorker },
];
if (!process.argv.includes("--cache")) {
  for (const b of BUNDLES) await makeBundle(b.entry, b.out);
  for (const tuned of [false, true]) {
    const env = { ...process.env };
    delete env.MODELVET_V8_TUNED;
    delete env.MODELVET_V8_DEFAULTS;
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--cache", ...(tuned ? ["--tuned"] : [])], { stdio: "inherit", env });
    if (child.status !== 0) throw new Error(`The code cache step${tuned ? " (tuned)" : ""} failed with ${child.status ?? child.signal}`);
  }
} else {
  if (process.argv.includes("--tuned")) {
    const { tuneV8ForScans } = await import(pathToFileURL(join(dist, "node/v8-tuning.js")).href);
    tuneV8ForScans();
  }
  for (const b of BUNDLES) await writeCache(b.out, b.warm);
}

async function warmCli(exports) {
  const sink = { write: () => true };
  const io = { stdout: sink, stderr: sink, isTTY: { stdout: false, stderr: false }, env: {} };
  // A one-file scan runs in the CLI's thread: its cache holds what the everyday files need. V8
  // reads a whole cache at start-up, so every format in it costs every call (all of them: +10 ms).
  for (const [i, file] of WARM_FILES.slice(0, CLI_WARM_FILES).entries()) await exports.main(["node", "modelvet", "scan", file, "--format", ["text", "json", "sarif"][i % 3]], io);
  await exports.main(["node", "modelvet", "scan", join(root, "samples")], io);
}

async function warmWorker(exports) {
  // The worker's own code path, in this thread: a port pair stands in for the worker's parentPort.
  const { port1, port2 } = new MessageChannel();
  exports.startScanWorker(port1, { policyLayers: [DEFAULT_POLICY_DATA], progress: new BigInt64Array(new SharedArrayBuffer(16)) });
  const jobs = WARM_FILES.map((file) => ({
    entry: { kind: "file", path: relative(root, file), absolute: Buffer.from(file), root: Buffer.from(dirname(file)), named: false, size: statSync(file).size },
  }));
  await new Promise((done) => {
    port2.once("message", done);
    port2.postMessage({ jobs });
  });
  port1.close();
}

/** Bundles dist/`entry` into dist/`out`. */
async function makeBundle(entry, out) {
  const bundleFile = join(dist, out);
  const cliMain = join(dist, "cli/main.js");
  const result = await build({
    entryPoints: [join(dist, entry)],
    bundle: true,
    write: false,
    format: "cjs",
    platform: "node",
    target: "node20",
    // A script compiled from a V8 code cache loses its dynamic import() callback on Node 20
    // (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so the bundle has no import(): packages left out
    // load through require(), which Node >= 20.19 also gives ES-module-only packages.
    supported: { "dynamic-import": false },
    charset: "ascii",
    // Whitespace and syntax only: names stay, so stack traces from a bundle still read.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    logLevel: "warning",
    // Each module's import.meta.url becomes its dist/ file's URL, so files it finds beside itself
    // (package.json, docs/rules, trust/, the worker script) are found from the bundle too.
    banner: { js: `const __modelvetUrl = (p) => require("node:url").pathToFileURL(require("node:path").join(__dirname, "..", p)).href;` },
    plugins: [
      {
        name: "modelvet-bundle",
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("node:") || BUNDLED_PACKAGES.has(packageOf(args.path)) ? undefined : { external: true }));
          b.onResolve({ filter: /^\.\/commands\/[a-z-]+\.js$/ }, (args) =>
            args.importer === cliMain && args.path !== "./commands/scan.js" ? { external: true, path: args.path } : undefined,
          );
          b.onLoad({ filter: /\.js$/ }, (args) => {
            const contents = readFileSync(args.path, "utf8");
            if (!args.path.startsWith(dist) || !contents.includes("import.meta.url")) return undefined;
            return { contents: contents.replaceAll("import.meta.url", `__modelvetUrl(${JSON.stringify(relative(dist, args.path))})`), loader: "js" };
          });
        },
      },
    ],
  });
  const body = result.outputFiles[0].text;
  const id = createHash("sha256").update(body).digest("hex").slice(0, BUNDLE_ID_LENGTH);
  writeFileSync(bundleFile, `${BUNDLE_ID_PREFIX}${id} */\n${body}`);
  console.log(`bundle: dist/${out} (${Math.round(body.length / 1024)} KiB)`);
}

/** Loads dist/`out`, runs `warm` on its exports, then writes its code cache for this process's V8 flags. */
async function writeCache(out, warm) {
  const bundleFile = join(dist, out);
  const cacheFile = cacheFileOf(bundleFile);
  rmSync(cacheFile, { force: true });
  const source = readFileSync(bundleFile, "latin1");
  const id = source.slice(BUNDLE_ID_PREFIX.length, BUNDLE_ID_PREFIX.length + BUNDLE_ID_LENGTH);
  // Warm-up: scan what users scan most, in this process, then keep what V8 compiled.
  const loaded = loadBundle(bundleFile);
  await warm(loaded.exports);
  const cache = loaded.script.createCachedData();
  writeFileSync(cacheFile, Buffer.concat([Buffer.from(id, "latin1"), cache]));
  console.log(`code cache: ${relative(root, cacheFile)} (${Math.round(cache.length / 1024)} KiB)`);
}
