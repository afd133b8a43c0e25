import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.js";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "modelvet-cli-tools-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = runCli;

describe("modelvet convert (CLI)", () => {
  it("exits 0 and says what it wrote, tied weights included", async () => {
    const out = join(work, "tied.safetensors");
    const { code, stdout } = await run(["convert", join(FIXTURES, "convert/tied_weights.pt"), "--out", out]);
    expect(code).toBe(0);
    expect(stdout).toContain("converted");
    expect(stdout).toContain("tied weights: model.embed.weight shares storage with lm_head.weight");
    expect(existsSync(out)).toBe(true);
  });

  it("exits 1 with the reason for a payload checkpoint, and writes nothing", async () => {
    const out = join(work, "evil.safetensors");
    const { code, stdout } = await run(["convert", join(FIXTURES, "torch/hostile/pkl001_zip_data_pkl_print.pt"), "--out", out, "--format", "json"]);
    expect(code).toBe(1);
    const json = JSON.parse(stdout) as { files: { refused?: string; findings?: { ruleId: string }[] }[] };
    expect(json.files[0]?.refused).toMatch(/verdict is unsafe/);
    expect(json.files[0]?.findings?.map((f) => f.ruleId)).toContain("PKL001");
    expect(existsSync(out)).toBe(false);
  });
});

describe("modelvet extract (CLI)", () => {
  it("exits 0 for a clean archive with the scan's report format", async () => {
    const { code, stdout } = await run(["extract", join(FIXTURES, "extract/plain.tar.gz"), join(work, "plain"), "--format", "json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { files: { notes: string[]; verdict: string }[] };
    expect(report.files[0]?.verdict).toBe("clean");
    expect(report.files[0]?.notes.join("\n")).toContain("Extracted 2 entries");
  });

  it("exits 1 on the MLeap zip slip (ARC001) and lists what it skipped", async () => {
    const { code, stdout } = await run(["extract", join(FIXTURES, "extract/mleap_cve_2023_5245.zip"), join(work, "mleap")]);
    expect(code).toBe(1);
    expect(stdout).toContain("ARC001");
    expect(stdout).toContain('Skipped "../../../tmp/mleap_evil.txt" (unsafe-path)');
  });
});
