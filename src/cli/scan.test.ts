import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ScanReport } from "../core/finding.js";
import type { CliIo } from "./io.js";
import { runCli } from "../test-support/run-cli.js";

/** Protocol 0: `os.system('echo hi')` on load. */
const MALICIOUS = "cos\nsystem\n(S'echo hi'\ntR.";
/** Protocol 0: `[1]`. */
const BENIGN = "(lp0\nI1\na.";

const dir = mkdtempSync(join(tmpdir(), "modelvet-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content, "latin1");
  return path;
}

const evil = write("evil.pkl", MALICIOUS);
const benign = write("benign.pkl", BENIGN);

type Run = Awaited<ReturnType<typeof runCli>>;

const run = (args: string[], io: Partial<CliIo> = {}): Promise<Run> => runCli(args, { env: {}, ...io });

describe("modelvet scan: exit codes", () => {
  it("exits 0 for a benign pickle", async () => {
    const { code, stdout, stderr } = await run(["scan", benign]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^CLEAN\s+.*benign\.pkl\s+\[pickle\]$/m);
    expect(stderr).toBe("");
  });

  it("exits 1 for a pickle that calls os.system, and names the rule", async () => {
    const { code, stdout } = await run(["scan", evil]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^UNSAFE\s+.*evil\.pkl/m);
    expect(stdout).toMatch(/^ {2}critical PKL001 /m);
    expect(stdout).toContain("os.system('echo hi')");
  });

  it("exits 1 for a file that could not be fully scanned (fail closed)", async () => {
    // Protocol 2 `[1]` cut before STOP: no finding, but the stream was not read to its end.
    const truncated = write("truncated.pkl", "\x80\x02]q\x00K\x01a");
    const { code, stdout } = await run(["scan", truncated]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ERROR\s+.*truncated\.pkl/m);
  });

  it("reports a missing path as an error for that path only and still reports the others", async () => {
    const missing = join(dir, "nope.pt");
    const { code, stdout, stderr } = await run(["scan", benign, missing, evil]);
    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^CLEAN\s+.*benign\.pkl/m);
    expect(stdout).toMatch(/^ERROR\s+.*nope\.pt\n {2}error {4}not-found No such file or directory$/m);
    expect(stdout).toMatch(/^UNSAFE\s+.*evil\.pkl/m);
    expect(stdout).toMatch(/^3 files: 1 unsafe, 0 suspicious, 1 error, 1 clean/m);
  });

  it("exits 2 on a bad policy file", async () => {
    const policy = write("bad-policy.yaml", "version: 2\n");
    const { code, stderr } = await run(["scan", benign, "--policy", policy]);
    expect(code).toBe(2);
    expect(stderr).toBe(`modelvet: cannot load policy ${JSON.stringify(policy)}: policy version must be 1, got 2\n`);
  });

  it("escapes a file name quoted in an error message on stderr", async () => {
    const policy = write("bad\u2028\u202epolicy.yaml", "version: 2\n");
    const { code, stderr } = await run(["scan", benign, "--policy", policy]);
    expect(code).toBe(2);
    expect(stderr).toContain("bad\\u2028\\u202epolicy.yaml");
    expect(stderr).not.toMatch(/[\u2028\u202e]/);
  });

  it("exits 2 on usage errors", async () => {
    expect((await run(["scan"])).code).toBe(2);
    expect((await run(["scan", benign, "--format", "xml"])).code).toBe(2);
    const unknown = await run(["scan", benign, "--bogus"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^modelvet: unknown option '--bogus'/);
  });
});

describe("modelvet scan: fail-on", () => {
  // The policy turns PKL001 down to medium, under the default gate (high).
  const lenient = write("lenient.yaml", "version: 1\nrules:\n  PKL001: medium\n");

  it("uses the policy's failOn by default", async () => {
    expect((await run(["scan", evil, "--policy", lenient])).code).toBe(0);
    const strict = write("strict.yaml", "version: 1\nfailOn: medium\nrules:\n  PKL001: medium\n");
    expect((await run(["scan", evil, "--policy", strict])).code).toBe(1);
  });

  it("lets --fail-on override the policy", async () => {
    expect((await run(["scan", evil, "--policy", lenient, "--fail-on", "medium"])).code).toBe(1);
    expect((await run(["scan", evil, "--fail-on", "critical"])).code).toBe(1);
  });

  it("rejects info as a gate: it would fail every model that names a framework class", async () => {
    expect((await run(["scan", benign, "--fail-on", "info"])).code).toBe(2);
  });
});

describe("modelvet scan: formats and output", () => {
  it("writes JSON to stdout", async () => {
    const { code, stdout } = await run(["scan", evil, benign, "--format", "json"]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as ScanReport;
    expect(report.schemaVersion).toBe(1);
    expect(report.files.map((f) => [f.path, f.verdict])).toEqual([
      [evil, "unsafe"],
      [benign, "clean"],
    ]);
    expect(report.files[0]!.findings.map((f) => f.ruleId)).toContain("PKL001");
  });

  it("writes SARIF to --output and nothing to stdout", async () => {
    const output = join(dir, "out", "modelvet.sarif");
    mkdirSync(join(dir, "out"), { recursive: true });
    const { code, stdout } = await run(["scan", evil, "--format", "sarif", "--output", output]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    const sarif = JSON.parse(readFileSync(output, "utf8")) as { version: string; runs: { results: { ruleId: string; level: string }[] }[] };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]!.results).toContainEqual(expect.objectContaining({ ruleId: "PKL001", level: "error" }));
  });

  it("exits 2 when the output file cannot be written", async () => {
    const output = join(dir, "no-such-dir", "report.json");
    const { code, stderr } = await run(["scan", benign, "--format", "json", "--output", output]);
    expect(code).toBe(2);
    expect(stderr).toBe(`modelvet: cannot write ${JSON.stringify(output)}: no such file or directory\n`);
  });

  it("scans a folder and reports <dir>/<relative> paths", async () => {
    const folder = join(dir, "models");
    write("models/sub/a.pkl", BENIGN);
    const { stdout } = await run(["scan", `${folder}/`, "--format", "json"]);
    expect((JSON.parse(stdout) as ScanReport).files.map((f) => f.path)).toEqual([`${folder}/sub/a.pkl`]);
  });

  it("leaves clean files out with --quiet", async () => {
    const { stdout } = await run(["scan", evil, benign, "--quiet"]);
    expect(stdout).toContain("evil.pkl");
    expect(stdout).not.toContain("benign.pkl");
    expect(stdout).toMatch(/^2 files: 1 unsafe, 0 suspicious, 0 error, 1 clean/m);
  });
});

describe("modelvet scan: terminal behaviour", () => {
  const tty = { isTTY: { stdout: true, stderr: false } };

  it("colours text when stdout is a terminal", async () => {
    expect((await run(["scan", evil], tty)).stdout).toContain("\u001b[");
  });

  it("FORCE_COLOR colours a pipe; FORCE_COLOR=0 turns colour off on a terminal; --no-color wins", async () => {
    expect((await run(["scan", evil], { env: { FORCE_COLOR: "1" } })).stdout).toContain("\u001b[");
    expect((await run(["scan", evil], { ...tty, env: { FORCE_COLOR: "0" } })).stdout).not.toContain("\u001b[");
    expect((await run(["scan", evil, "--no-color"], { env: { FORCE_COLOR: "1" } })).stdout).not.toContain("\u001b[");
  });

  it("does not colour with --no-color, NO_COLOR, --output, or without a terminal", async () => {
    expect((await run(["scan", evil, "--no-color"], tty)).stdout).not.toContain("\u001b[");
    expect((await run(["scan", evil], { ...tty, env: { NO_COLOR: "1" } })).stdout).not.toContain("\u001b[");
    expect((await run(["scan", evil])).stdout).not.toContain("\u001b[");
    const output = join(dir, "colourless.txt");
    await run(["scan", evil, "--output", output], tty);
    expect(readFileSync(output, "utf8")).not.toContain("\u001b[");
  });

  it("draws a progress line on a terminal stderr for more than 20 files, then clears it", async () => {
    for (let i = 0; i < 21; i++) write(`many/f${String(i).padStart(2, "0")}.pkl`, BENIGN);
    const { stderr, stdout } = await run(["scan", join(dir, "many")], { isTTY: { stdout: false, stderr: true } });
    expect(stderr).toContain("scanning 21/21 ");
    expect(stderr.endsWith("\r\u001b[2K")).toBe(true);
    expect(stdout).not.toContain("scanning");
  });

  it("draws no progress line for 20 files or fewer, or when stderr is not a terminal", async () => {
    for (let i = 0; i < 20; i++) write(`twenty/f${String(i).padStart(2, "0")}.pkl`, BENIGN);
    expect((await run(["scan", join(dir, "twenty")], { isTTY: { stdout: false, stderr: true } })).stderr).toBe("");
    expect((await run(["scan", join(dir, "many")])).stderr).toBe("");
  });
});

describe("modelvet scan: nothing scanned, .git and --exclude", () => {
  it("exits 3 for an empty folder, and says so in the summary", async () => {
    const empty = join(dir, "empty-folder");
    mkdirSync(empty, { recursive: true });
    const result = await run(["scan", empty]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain("0 files");
  });

  it("leaves out .git and --exclude matches; a folder with only those scans nothing (exit 3)", async () => {
    write("repo/.git/objects/evil.pkl", MALICIOUS);
    write("repo/tmp/evil.pkl", MALICIOUS);
    write("repo/model.pkl", BENIGN);
    const scanned = await run(["scan", join(dir, "repo"), "--exclude", "tmp", "--format", "json"]);
    expect(scanned.code).toBe(0);
    expect((JSON.parse(scanned.stdout) as ScanReport).files.map((f) => f.path)).toEqual([`${join(dir, "repo")}/model.pkl`]);
    const nothing = await run(["scan", join(dir, "repo"), "--exclude", "tmp", "--exclude", "*.pkl"]);
    expect(nothing.code).toBe(3);
  });

  it("the summary counts a file not fully scanned even when its verdict is worse (a symlink escape)", async () => {
    const { symlinkSync } = await import("node:fs");
    write("escape/ok.pkl", BENIGN);
    symlinkSync("/etc/hostname", join(dir, "escape", "out.pkl"));
    const result = await run(["scan", join(dir, "escape"), "--fail-on", "critical", "--format", "json"]);
    const report = JSON.parse(result.stdout) as ScanReport;
    expect(report.summary.incomplete).toBe(1);
    expect(result.code).toBe(1);
  });
});

describe("modelvet scan -", () => {
  async function* input(...chunks: string[]): AsyncGenerator<Uint8Array> {
    for (const chunk of chunks) yield Buffer.from(chunk, "latin1");
  }

  it("scans standard input and names it '-'", async () => {
    const result = await run(["scan", "-", "--format", "json"], { stdin: input(MALICIOUS.slice(0, 5), MALICIOUS.slice(5)) });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as ScanReport;
    expect(report.files.map((f) => [f.path, f.verdict])).toEqual([["-", "unsafe"]]);
    expect(report.files[0]?.findings.map((f) => f.ruleId)).toContain("PKL001");
  });

  it("scans a benign standard input clean, and refuses '-' twice", async () => {
    expect((await run(["scan", "-"], { stdin: input(BENIGN) })).code).toBe(0);
    expect((await run(["scan", "-", "-"], { stdin: input(BENIGN) })).code).toBe(2);
  });
});

describe("modelvet scan --baseline", () => {
  it("accepts today's findings with --write-baseline, then fails only on a new one; suppressed ones stay in JSON and SARIF", async () => {
    const folder = join(dir, "baselined");
    write("baselined/old.pkl", MALICIOUS);
    const baseline = join(dir, "baseline.json");
    expect((await run(["scan", folder, "--baseline", baseline, "--write-baseline"])).code).toBe(0);
    const again = await run(["scan", folder, "--baseline", baseline, "--format", "json"]);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout) as ScanReport;
    expect(report.summary.suppressed).toBeGreaterThan(0);
    expect(report.files[0]?.findings.every((f) => f.suppressed?.kind === "baseline")).toBe(true);
    const sarif = JSON.parse((await run(["scan", folder, "--baseline", baseline, "--format", "sarif"])).stdout);
    expect(sarif.runs[0].results[0].suppressions[0]).toMatchObject({ kind: "external", status: "accepted" });
    write("baselined/new.pkl", "cos\nsystem\n(S'rm -rf x'\ntR.");
    const fresh = await run(["scan", folder, "--baseline", baseline]);
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toContain("suppressed: in the baseline");
  });

  it("is a usage error for a missing baseline, or --write-baseline without --baseline", async () => {
    expect((await run(["scan", evil, "--baseline", join(dir, "nope.json")])).code).toBe(2);
    expect((await run(["scan", evil, "--write-baseline"])).code).toBe(2);
  });
});

describe("modelvet scan: policy suppressions", () => {
  it("suppresses by path glob and rule with a reason; refuses an entry without a reason", async () => {
    write("suppress/vendored/old.pkl", MALICIOUS);
    const policy = join(dir, "suppress.yaml");
    writeFileSync(policy, "version: 1\nsuppressions:\n  - path: '**/vendored/**'\n    rule: PKL001\n    reason: test fixture, never loaded\n");
    const result = await run(["scan", join(dir, "suppress"), "--policy", policy, "--format", "json"]);
    const report = JSON.parse(result.stdout) as ScanReport;
    const suppressed = report.files.flatMap((f) => f.findings).filter((f) => f.ruleId === "PKL001");
    expect(suppressed.length).toBeGreaterThan(0);
    expect(suppressed.every((f) => f.suppressed?.kind === "policy" && f.suppressed.reason === "test fixture, never loaded")).toBe(true);
    const noReason = join(dir, "no-reason.yaml");
    writeFileSync(noReason, "version: 1\nsuppressions:\n  - path: '*'\n    rule: PKL001\n");
    const refused = await run(["scan", evil, "--policy", noReason]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("needs a reason");
  });
});
