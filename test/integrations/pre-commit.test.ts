import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The hooks in .pre-commit-hooks.yaml, run by Debian's pre-commit on a throwaway git repository:
 * staged model files are scanned, other files are not passed to modelvet. The `system` hook is the
 * one run here (the `node` hook would make pre-commit npm-install modelvet from the network).
 */
const ROOT = new URL("../../", import.meta.url).pathname;
const BIN = join(ROOT, "dist/cli/bin.js");
const PRE_COMMIT = spawnSync("pre-commit", ["--version"]).status === 0;
if (!PRE_COMMIT) console.warn("pre-commit tests skipped: install it with apt-get install -y pre-commit");

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function sh(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(command, args, { cwd, env, encoding: "utf8" });
}

describe.skipIf(!PRE_COMMIT || !existsSync(BIN))(".pre-commit-hooks.yaml with pre-commit", () => {
  const base = mkdtempSync(join(tmpdir(), "modelvet-precommit-"));
  temps.push(base);
  const git = ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"];
  // The hook repository: just the manifest, committed (pre-commit reads a revision).
  const hooks = join(base, "hooks");
  mkdirSync(hooks);
  copyFileSync(join(ROOT, ".pre-commit-hooks.yaml"), join(hooks, ".pre-commit-hooks.yaml"));
  sh(hooks, "git", [...git, "init", "-q"]);
  sh(hooks, "git", [...git, "add", "."]);
  sh(hooks, "git", [...git, "commit", "-q", "-m", "hooks"]);
  // `modelvet` on PATH, as after npm install -g.
  const binDir = join(base, "bin");
  mkdirSync(binDir);
  writeFileSync(join(binDir, "modelvet"), `#!/bin/sh\nexec node ${JSON.stringify(BIN)} "$@"\n`);
  chmodSync(join(binDir, "modelvet"), 0o755);
  const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}`, PRE_COMMIT_HOME: join(base, "cache"), HOME: base };

  function project(files: Record<string, string>): string {
    const dir = mkdtempSync(join(base, "project-"));
    sh(dir, "git", [...git, "init", "-q"]);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content, "latin1");
    sh(dir, "git", [...git, "add", "."]);
    return dir;
  }

  it("fails on a staged malicious pickle, naming the rule", () => {
    const dir = project({ "evil.pkl": "cos\nsystem\n(S'echo hi'\ntR.", "README.md": "hi" });
    const result = sh(dir, "pre-commit", ["try-repo", hooks, "modelvet-system"], env);
    expect(result.stdout).toContain("PKL001");
    expect(result.status).toBe(1);
  });

  it("passes a staged benign pickle, and skips a commit without model files", () => {
    const benign = sh(project({ "ok.pkl": "(lp0\nI1\na." }), "pre-commit", ["try-repo", hooks, "modelvet-system"], env);
    expect(benign.status, benign.stdout + benign.stderr).toBe(0);
    const none = sh(project({ "README.md": "hi" }), "pre-commit", ["try-repo", hooks, "modelvet-system"], env);
    expect(none.status).toBe(0);
    expect(none.stdout).toMatch(/no files to check/);
  });
});
