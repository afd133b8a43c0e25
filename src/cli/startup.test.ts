import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
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

/** Every module URL the ESM loader loads (entry points of CommonJS packages included), via a load hook. */
function loadedModules(args: string[]): { status: number | null; modules: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "modelvet-startup-"));
  const hook = join(dir, "hook.mjs");
  const register = join(dir, "register.mjs");
  writeFileSync(hook, 'export async function load(url, context, next) { process.stderr.write(`LOADED ${url}\\n`); return next(url, context); }\n');
  writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
  const result = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, BIN, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const modules = result.stderr.split("\n").filter((l) => l.startsWith("LOADED ")).map((l) => l.slice("LOADED ".length));
  return { status: result.status, modules };
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

  it("scanning one pickle loads the pickle parser and rules, and no other format's parser or heavy dependency", () => {
    const { status, modules } = loadedModules(["scan", PICKLE]);
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
});
