import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * The GitHub Action (action.yml) run the way a runner runs a composite action's step: bash with
 * GITHUB_ACTION_PATH at the action's checkout, the step's INPUT_* environment, cwd and
 * GITHUB_WORKSPACE at the workspace, and outputs appended to the GITHUB_OUTPUT file.
 */
const ROOT = new URL("../../", import.meta.url).pathname;
const BUILT = existsSync(join(ROOT, "dist/cli/bin.js"));

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id?: string; run?: string; uses?: string; env?: Record<string, string> }[] };
}
const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as Action;
const scanStep = action.runs.steps.find((step) => step.id === "scan");

/** The step's env with each `${{ inputs.x }}` replaced by the given input or its default. */
function stepEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, expression] of Object.entries(scanStep?.env ?? {})) {
    const input = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(expression)?.[1] as string;
    env[name] = inputs[input] ?? action.inputs[input]?.default ?? "";
  }
  return env;
}

function runStep(workspace: string, inputs: Record<string, string>): { code: number | null; stdout: string; outputs: Record<string, string> } {
  const outputFile = join(workspace, "..", "github-output");
  writeFileSync(outputFile, "");
  const command = (scanStep?.run ?? "").replaceAll("$GITHUB_ACTION_PATH", ROOT);
  const result = spawnSync("bash", ["-e", "-c", command], {
    cwd: workspace,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: workspace, GITHUB_ACTION_PATH: ROOT, GITHUB_OUTPUT: outputFile, ...stepEnv(inputs) },
    encoding: "utf8",
  });
  const outputs = Object.fromEntries(readFileSync(outputFile, "utf8").trim().split("\n").filter(Boolean).map((line) => line.split("=", 2) as [string, string]));
  return { code: result.status, stdout: result.stdout, outputs };
}

function workspace(files: Record<string, string>): string {
  const base = mkdtempSync(join(tmpdir(), "modelvet-action-"));
  temps.push(base);
  const dir = join(base, "workspace");
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content, "latin1");
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe("action.yml", () => {
  it("is a composite action whose scan step maps every input it reads and sets the declared outputs", () => {
    expect(action.runs.using).toBe("composite");
    expect(action.runs.steps[0]?.uses).toMatch(/^actions\/setup-node@v\d+$/);
    for (const expression of Object.values(scanStep?.env ?? {})) {
      const input = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(expression)?.[1];
      expect(input !== undefined && input in action.inputs, expression).toBe(true);
    }
    expect(Object.keys(action.outputs).sort()).toEqual(["exit-code", "sarif-file", "verdict"]);
    for (const output of Object.values(action.outputs)) expect(output.value).toMatch(/^\$\{\{ steps\.scan\.outputs\.[a-z-]+ \}\}$/);
  });

  it.skipIf(!BUILT)("fails on a malicious pickle: verdict fail, SARIF with relative URIs written in the workspace", () => {
    const dir = workspace({ "models/evil.pkl": "cos\nsystem\n(S'echo hi'\ntR.", "models/ok.pkl": "(lp0\nI1\na." });
    const { code, stdout, outputs } = runStep(dir, { paths: "models" });
    expect(code).toBe(1);
    expect(outputs).toEqual({ verdict: "fail", "exit-code": "1", "sarif-file": "modelvet.sarif" });
    expect(stdout).toContain("PKL001");
    const sarif = JSON.parse(readFileSync(join(dir, "modelvet.sarif"), "utf8"));
    const location = sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation;
    expect(location).toEqual({ uri: "models/evil.pkl", uriBaseId: "%SRCROOT%" });
  });

  it.skipIf(!BUILT)("passes a clean workspace, and reports nothing-scanned for an empty one", () => {
    expect(runStep(workspace({ "ok.pkl": "(lp0\nI1\na." }), { "fail-on": "medium" }).outputs.verdict).toBe("pass");
    const empty = runStep(workspace({}), {});
    expect(empty.code).toBe(3);
    expect(empty.outputs.verdict).toBe("nothing-scanned");
  });

  it.skipIf(!BUILT)("a usage error is verdict error (exit 2)", () => {
    const result = runStep(workspace({ "ok.pkl": "(lp0\nI1\na." }), { policy: "missing-policy.yaml" });
    expect(result.code).toBe(2);
    expect(result.outputs.verdict).toBe("error");
  });
});

describe.skipIf(BUILT)("action.yml run steps", () => {
  it("need the built CLI: run npm run build first", () => {
    console.warn("action step tests skipped: dist/cli/bin.js is missing (npm run build)");
  });
});
