import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundledAdvisoryDb } from "../audit/data/index.js";
import type { FileReport } from "../core/finding.js";
import { defaultPolicy } from "../policy/default.js";
import { auditPaths } from "./audit-paths.js";

const FIXTURES = new URL("../../fixtures/audit/", import.meta.url).pathname;
const options = { db: bundledAdvisoryDb(), policy: defaultPolicy() };
const audit = async (...paths: string[]) => auditPaths(paths.map((p) => join(FIXTURES, p)), options);
const hits = (file: FileReport | undefined, ruleId: string): string[] => (file?.findings ?? []).filter((f) => f.ruleId === ruleId).map((f) => f.message);

describe("auditPaths on the generated virtualenv", () => {
  it("reads every dist-info of the site-packages folder as one environment", async () => {
    const report = await audit("venv");
    expect(report.files).toHaveLength(1);
    const env = report.files[0];
    expect(env?.path).toMatch(/site-packages$/);
    expect(env?.formats).toEqual(["dependency-audit", "site-packages"]);
    const aud001 = hits(env, "AUD001").join("\n");
    expect(aud001).toContain("mlflow 2.9.0 is affected by GHSA-6749-m5cp-6cg7 (CVE-2024-27132)");
    expect(aud001).toContain("torch 2.5.1+cpu is affected by GHSA-53q9-r3pm-6pq6 (CVE-2025-32434");
    expect(aud001).toContain("keras 3.9.0 is affected by GHSA-c9rc-mg46-23w3 (CVE-2025-8747)");
    // Benign near-misses in the same environment: keras at CVE-2025-1550's fix, joblib at its fix.
    expect(aud001).not.toContain("GHSA-48g7-3x6r-xfhp");
    expect(aud001).not.toContain("joblib");
    expect(aud001).not.toContain("numpy");
    expect(env?.verdict).toBe("unsafe");
    expect(env?.findings.find((f) => f.message.includes("torch"))?.location.member).toMatch(/torch-2\.5\.1\+cpu\.dist-info\/METADATA$/);
  });

  it("reads the pip freeze output of the same environment the same way", async () => {
    const report = await audit("freeze/pip-freeze.txt");
    expect(hits(report.files[0], "AUD001").join("\n")).toContain("CVE-2025-32434");
  });
});

describe("auditPaths on manifests, locks and model folders", () => {
  it("resolves includes and constraints relative to the file", async () => {
    const file = (await audit("requirements/requirements.txt")).files[0];
    expect(hits(file, "AUD001").join("\n")).toContain("keras 3.8.0 is affected by GHSA-48g7-3x6r-xfhp (CVE-2025-1550)");
    expect(hits(file, "AUD001").join("\n")).toContain("joblib 1.1.0");
    expect(hits(file, "AUD003").join("\n")).toContain("torch >=2.0,<2.7 may resolve");
    expect(file?.errors).toEqual([]);
  });

  it("refuses an include that leaves the audited folder, and fails closed", async () => {
    const file = (await audit("requirements/escape.txt")).files[0];
    expect(file?.errors[0]?.message).toMatch(/outside the audited folder/);
    expect(file?.verdict).toBe("error");
    expect(JSON.stringify(file)).not.toContain("root:");
  });

  it("finds nothing in the benign near-misses and everything in their mirror image", async () => {
    const report = await audit("near-miss");
    const benign = report.files.find((f) => f.path.endsWith("requirements-benign.txt"));
    const affected = report.files.find((f) => f.path.endsWith("requirements-affected.txt"));
    expect(benign?.findings).toEqual([]);
    expect(benign?.verdict).toBe("clean");
    const found = hits(affected, "AUD001").join("\n");
    for (const text of ["torch 2.5.1+cu121", "torch 2.6.0rc1", "torch 0!2.5.1", "mlflow 2.9.2.post1", "keras 3.8.0", "keras 3.11.2 is affected by CVE-2025-49655"]) expect(found).toContain(text);
  });

  it("audits each lock format", async () => {
    const report = await audit("locks");
    const byName = (name: string) => report.files.find((f) => f.path.endsWith(name));
    expect(hits(byName("poetry.lock"), "AUD001").join()).toContain("keras 3.10.0");
    expect(hits(byName("uv.lock"), "AUD001").join()).toContain("torch 2.4.1");
    expect(hits(byName("Pipfile.lock"), "AUD001").join()).toContain("mlflow 2.9.2");
    expect(hits(byName("Pipfile.lock"), "AUD001").join()).not.toContain("torch 2.6.0");
    expect(hits(byName("environment.yml"), "AUD003").join()).toContain("torch ==2.5.1.*");
    expect(hits(byName("gradle.lockfile"), "AUD001").join("\n")).toContain("ai.h2o:h2o-core 3.46.0.4 is affected by GHSA-w36w-948j-xhfw (CVE-2024-6960)");
    expect(hits(byName("gradle.lockfile"), "AUD001").join("\n")).toContain("CVE-2023-5245");
    expect(hits(byName("pyproject.toml"), "AUD003").join("\n")).toContain("keras >=3.0,<4");
  });

  it("audits Maven POMs: the affected MLeap and a fixed one", async () => {
    const report = await audit("maven");
    expect(hits(report.files.find((f) => f.path.endsWith("maven/pom.xml")), "AUD001").join()).toContain("CVE-2023-5245");
    expect(report.files.find((f) => f.path.endsWith("fixed/pom.xml"))?.findings).toEqual([]);
  });

  it("audits single metadata files named on the command line", async () => {
    const report = await audit("conda_env/conda-meta/pytorch-2.5.1-py3.11_cpu_0.json", "venv/lib/python3/site-packages/mlflow-2.9.0.dist-info/METADATA");
    expect(hits(report.files[0], "AUD001").join()).toContain("torch 2.5.1");
    expect(hits(report.files[1], "AUD001").join()).toContain("CVE-2024-27132");
  });

  it("audits a conda environment from conda-meta", async () => {
    const report = await audit("conda_env");
    expect(report.files.map((f) => f.formats[1])).toEqual(["conda-meta"]);
    expect(hits(report.files[0], "AUD001").join()).toContain("torch 2.5.1");
  });

  it("audits an MLflow model folder: requirements.txt, python_env.yaml (with its -r), conda.yaml", async () => {
    const report = await audit("mlflow_model");
    expect(report.files.map((f) => f.path.split("/").pop()).sort()).toEqual(["conda.yaml", "python_env.yaml", "requirements.txt"]);
    for (const file of report.files) expect(hits(file, "AUD001").join()).toContain("CVE-2024-27132");
  });

  it("says so when a folder has nothing to audit, and errors on an unknown file", async () => {
    const empty = await auditPaths([join(FIXTURES, "hf_repo", "config.json")], options);
    expect(empty.files[0]?.verdict).toBe("error");
  });
});

describe("auditPaths folder walk", () => {
  it("opens only metadata inside site-packages and does not follow lib64 -> lib", async () => {
    const root = mkdtempSync(join(tmpdir(), "modelvet-audit-walk-"));
    try {
      const site = join(root, "lib/python3.11/site-packages");
      mkdirSync(join(site, "torch-2.5.1.dist-info"), { recursive: true });
      writeFileSync(join(site, "torch-2.5.1.dist-info/METADATA"), "Metadata-Version: 2.1\nName: torch\nVersion: 2.5.1\n");
      mkdirSync(join(site, "somepkg"), { recursive: true });
      writeFileSync(join(site, "somepkg/requirements.txt"), "mlflow==2.9.0\n");
      symlinkSync("lib", join(root, "lib64"));
      const report = await auditPaths([root], options);
      expect(report.files.map((f) => f.path)).toEqual([site]);
      expect(report.files[0]?.findings.map((f) => f.message).join()).not.toContain("mlflow");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/**
 * Re-runs the fixture generator when Debian's Python can make a venv and has pip (the generator's
 * fast path: a --without-pip venv borrowing python3-pip, a few seconds), and checks the result
 * still matches the committed tree. Like the torch loader check, it runs when
 * MODELVET_VERIFY_FIXTURES=1 (.ci/run sets it for a second pass over the generator checks).
 */
const canVenv = process.env.MODELVET_VERIFY_FIXTURES === "1" && spawnSync("/usr/bin/python3", ["-c", "import venv, pip"], { stdio: "ignore" }).status === 0;
describe.skipIf(!canVenv)("fixtures/generate/gen_audit_env.sh (needs /usr/bin/python3 with venv and pip)", () => {
  it("builds the same dist-info tree from real wheels and pip install --no-index", () => {
    const out = mkdtempSync(join(tmpdir(), "modelvet-audit-env-"));
    try {
      execFileSync("bash", [new URL("../../fixtures/generate/gen_audit_env.sh", import.meta.url).pathname, out], { stdio: "pipe" });
      const site = (root: string) => join(root, "venv/lib/python3/site-packages");
      const names = (root: string) => readdirSync(site(root)).filter((n) => !n.startsWith("pip-") && !n.startsWith("setuptools-")).sort();
      expect(names(out)).toEqual(names(FIXTURES));
      for (const name of names(out)) expect(readFileSync(join(site(out), name, "METADATA"), "utf8")).toBe(readFileSync(join(site(FIXTURES), name, "METADATA"), "utf8"));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
