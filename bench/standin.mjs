// Loads the hub stand-in (src/test-support/hub-standin.ts) for benchmarks: test support is not in
// dist, so it is compiled on the fly into bench/.data/standin.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const here = new URL(".", import.meta.url).pathname;
const out = join(here, ".data/standin");

export async function loadStandin() {
  const tsc = join(here, "../node_modules/typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, join(here, "../src/test-support/hub-standin.ts"), "--outDir", out, "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--skipLibCheck", "--types", "node"], { stdio: "inherit" });
  return import(pathToFileURL(join(out, "hub-standin.js")).href);
}
