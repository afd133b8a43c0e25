import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { policyFromText, renderJson, renderSarif, renderText, RULES } from "../index.js";
import { loadPolicy, scanPaths } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "modelvet-lib-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("library entry points", () => {
  it("scanPaths needs no policy; the renderers and policy loading are exported", async () => {
    const evil = join(dir, "evil.pkl");
    writeFileSync(evil, "cos\nsystem\n(S'echo hi'\ntR.", "latin1");
    const report = await scanPaths([evil]);
    expect(report.files[0]?.findings.map((f) => f.ruleId)).toContain("PKL001");
    expect(renderText(report, { color: false, quiet: false })).toContain("PKL001");
    expect(JSON.parse(renderJson(report)).summary.unsafe).toBe(1);
    expect(JSON.parse(renderSarif(report, RULES)).runs[0].results[0].ruleId).toBe("PKL001");
    expect(policyFromText("version: 1\nfailOn: medium\n", "inline").failOn).toBe("medium");
    const file = join(dir, "policy.yaml");
    writeFileSync(file, "version: 1\nfailOn: critical\n");
    expect((await loadPolicy(file)).failOn).toBe("critical");
  });
});
