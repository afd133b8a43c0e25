import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { ScanReport } from "../core/finding.js";
import { RACY_MARGIN_MS } from "../node/verdict-cache.js";
import { runCli } from "../test-support/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "modelvet-cli-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/**
 * A committed sample (pickle calling os.system): written at checkout, so its stamp is older than
 * RACY_MARGIN_MS and its verdict is kept. A file written by the test itself would be racy.
 */
const evil = fileURLToPath(new URL("../../samples/suspicious_model.bin", import.meta.url));
const justCheckedOut = Date.now() - statSync(evil).ctimeMs < RACY_MARGIN_MS;

describe("modelvet scan --cache DIR", () => {
  it.skipIf(justCheckedOut)("marks a reused verdict (cached in JSON, a note in text) and keeps the exit code", async () => {
    const cache = join(dir, "cache");
    const first = await runCli(["scan", evil, "--cache", cache, "--format", "json"]);
    expect(first.code).toBe(1);
    expect((JSON.parse(first.stdout) as ScanReport).files[0]?.cached).toBeUndefined();
    const second = await runCli(["scan", evil, "--cache", cache, "--format", "json"]);
    expect(second.code).toBe(1);
    const file = (JSON.parse(second.stdout) as ScanReport).files[0];
    expect(file?.cached).toBe(true);
    expect(file?.verdict).toBe("unsafe");
    expect(file?.findings.map((f) => f.ruleId)).toContain("PKL001");
    expect(file?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const text = await runCli(["scan", evil, "--cache", cache]);
    expect(text.stdout).toMatch(/UNSAFE\s+\S*suspicious_model\.bin {2}\[pickle\] {2}\(cached\)/);
    expect(text.code).toBe(1);
  });

  it("keeps folder verdicts in the CLI's JSON (scanTargets used to drop them)", async () => {
    const model = join(dir, "hf-model");
    mkdirSync(model);
    writeFileSync(join(model, "config.json"), JSON.stringify({ model_type: "x", auto_map: { AutoModel: "modeling_x.XModel" } }));
    writeFileSync(join(model, "modeling_x.py"), "import os\nos.system('id')\n\nclass XModel:\n    pass\n");
    const run = await runCli(["scan", model, "--format", "json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as ScanReport;
    expect(report.folders?.map((f) => [f.path, f.verdict])).toEqual([[model, "unsafe"]]);
  });

  it("refuses a cache path that is not a folder", async () => {
    const notDir = join(dir, "file");
    writeFileSync(notDir, "x");
    const run = await runCli(["scan", evil, "--cache", notDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot use the cache folder");
  });
});
