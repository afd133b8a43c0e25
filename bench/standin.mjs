// Loads the hub stand-in (src/test-support/hub-standin.ts) and the synthetic hub builder
// (src/test-support/synthetic-hub.ts) for benchmarks: test support is not in dist, so it is
// compiled on the fly into bench/.data/standin.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const here = new URL(".", import.meta.url).pathname;
const out = join(here, ".data/standin");
let compiled = false;

function compile() {
  if (compiled) return;
  const tsc = join(here, "../node_modules/typescript/bin/tsc");
  const sources = ["hub-standin.ts", "synthetic-hub.ts"].map((f) => join(here, "../src/test-support", f));
  execFileSync(process.execPath, [tsc, ...sources, "--outDir", out, "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--skipLibCheck", "--types", "node"], { stdio: "inherit" });
  compiled = true;
}

export async function loadStandin() {
  compile();
  return import(pathToFileURL(join(out, "hub-standin.js")).href);
}

export async function loadSyntheticHub() {
  compile();
  return import(pathToFileURL(join(out, "synthetic-hub.js")).href);
}
