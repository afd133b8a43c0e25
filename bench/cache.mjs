// Verdict cache benchmark (issue 11): node bench/cache.mjs   (needs a build: `npm run build`).
// One pickle that is costly to scan (tens of millions of opcodes), scanned: without a cache; with
// a cold cache (hash + scan + write); warm, by content (fresh checkout: ctime moved, so the file is
// hashed but not scanned); warm, by the path index (same tree: neither hashed nor scanned). Files go
// to bench/.data/cache (git-ignored) and are deleted afterwards unless --keep.
import { mkdirSync, rmSync, utimesSync, writeFileSync, statSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const here = new URL(".", import.meta.url).pathname;
const DATA = join(here, ".data/cache");
const dist = process.env.MODELVET_DIST ?? join(here, "../dist");
const load = (path) => import(pathToFileURL(join(dist, path)).href);
const { scanPaths } = await load("node/scan-paths.js");
const { VerdictCache } = await load("node/verdict-cache.js");
const { defaultPolicy } = await load("policy/default.js");

const OPS = Number(process.env.OPS ?? 20_000_000);
rmSync(DATA, { recursive: true, force: true });
mkdirSync(join(DATA, "model"), { recursive: true });
const file = join(DATA, "model", "big.pkl");
// Protocol 2: a list, MARK, OPS × BININT1, APPENDS, STOP.
const body = Buffer.alloc(5 + OPS * 2 + 2);
body.set([0x80, 0x02, 0x5d, 0x71, 0x00], 0);
body[5] = 0x28;
for (let i = 0; i < OPS; i++) body.set([0x4b, i & 0x7f], 6 + i * 2);
body.set([0x65, 0x2e], 6 + OPS * 2 - 1);
writeFileSync(file, body);
const size = statSync(file).size;

const policy = defaultPolicy();
const cacheDir = join(DATA, "cache");
const time = async (label, cacheOptions) => {
  const cache = cacheOptions ? await VerdictCache.open(cacheDir, { policy, version: "bench", ...cacheOptions }) : undefined;
  const start = performance.now();
  const report = await scanPaths([join(DATA, "model")], { policy, cache });
  const ms = performance.now() - start;
  const f = report.files[0];
  console.log(`${label.padEnd(42)} ${ms.toFixed(0).padStart(7)} ms  verdict=${f.verdict} cached=${f.cached === true}${cache ? ` ${JSON.stringify(cache.stats)}` : ""}`);
};

console.log(`pickle of ${OPS} opcodes, ${(size / 1024 ** 2).toFixed(1)} MiB`);
await time("no cache", undefined);
// The clock runs a minute ahead: the file was just written, and a file changed within
// RACY_MARGIN_MS of its hashing is not cached (in CI the checkout is older than that).
const later = () => Date.now() + 60_000;
await time("cache cold (hash + scan + store)", { now: later });
// A fresh checkout: same bytes, new ctime. Rewriting the file moves ctime.
writeFileSync(file, readFileSync(file));
await time("cache warm, new ctime (hash, no scan)", { now: later });
await time("cache warm, path index hit (no read)", { now: later });
utimesSync(file, new Date(), new Date());
await time("after touch (ctime moved: hash again)", { now: later });

if (!process.argv.includes("--keep")) rmSync(DATA, { recursive: true, force: true });
