/**
 * PyTorch-family fixtures (fixtures/generate/gen_torch.py, made with Debian's torch 1.13, numpy,
 * scikit-learn and joblib): every file must get its manifest verdict and rules, every hostile
 * file must have a benign near miss, and the facts the generator recorded about the real loaders
 * (did torch/numpy/joblib load it, did the payload run) must still hold when Python is there.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { atLeast } from "../src/core/finding.js";
import { bzip2Handler, gzipHandler, lz4Handler, lzmaAloneHandler, sevenZipHandler, xzHandler, zlibHandler, zstdHandler } from "../src/formats/compress/index.js";
import { FORMAT_HANDLERS } from "../src/formats/index.js";
import { joblibHandler, zfileHandler } from "../src/formats/joblib/index.js";
import { npyHandler } from "../src/formats/numpy/index.js";
import { pickleHandler } from "../src/formats/pickle/handler.js";
import { tarHandler } from "../src/formats/tar/index.js";
import { torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, zipModelHandler } from "../src/formats/torch/index.js";
import { zipHandler } from "../src/formats/zip/index.js";
import { RULES } from "../src/rules/index.js";
import { jbl001 } from "../src/rules/joblib/jbl001-side-file.js";
import { jbl002 } from "../src/rules/joblib/jbl002-side-file-escape.js";
import { npy001 } from "../src/rules/numpy/npy001-object-array.js";
import { npy002 } from "../src/rules/numpy/npy002-bad-header.js";
import { npy003 } from "../src/rules/numpy/npy003-data-size.js";
import { pt001 } from "../src/rules/torch/pt001-storage-short.js";
import { pt002 } from "../src/rules/torch/pt002-storage-records.js";
import { pt003 } from "../src/rules/torch/pt003-tensor-mutation.js";
import { pt004 } from "../src/rules/torch/pt004-odd-persistent-id.js";
import { pt005 } from "../src/rules/torch/pt005-legacy-magic-call.js";
import { pt006 } from "../src/rules/torch/pt006-legacy-layout.js";
import { pt007 } from "../src/rules/torch/pt007-torchscript-code.js";
import { pt008 } from "../src/rules/torch/pt008-torchscript-gadget.js";
import { pt009 } from "../src/rules/torch/pt009-torchscript-custom-op.js";
import { scanBytes } from "../src/test-support/scan.js";

interface LoaderResult {
  outcome: string;
  payload: boolean;
  detail?: string;
}

interface Entry {
  file: string;
  verdict: "clean" | "suspicious" | "unsafe" | "error";
  rules: string[];
  note: string;
  nearMiss?: string;
  gap?: string;
  loaders?: Record<string, LoaderResult>;
  payloadReached?: boolean;
}

const byId = <T extends { id?: string; meta?: { id: string } }>(list: T[]): T[] => list.filter((x, i) => list.findIndex((y) => (y.id ?? y.meta?.id) === (x.id ?? x.meta?.id)) === i);

/** Registered handlers plus this family's and the containers it relies on, until all are registered. */
export const HANDLERS = byId([
  ...FORMAT_HANDLERS,
  zipModelHandler, torchLegacyHandler, torchLegacyTarHandler, torchPickleHandler, torchScriptPickleHandler, npyHandler, joblibHandler, zfileHandler,
  zipHandler, tarHandler, gzipHandler, zlibHandler, zstdHandler, lz4Handler, bzip2Handler, xzHandler, lzmaAloneHandler, sevenZipHandler, pickleHandler,
]);
const RULE_SET = byId([...RULES, pt001, pt002, pt003, pt004, pt005, pt006, pt007, pt008, pt009, npy001, npy002, npy003, jbl001, jbl002]);
const known = new Set(RULE_SET.map((r) => r.meta.id));

const base = new URL("../fixtures/torch/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(`${base}manifest.json`, "utf8")) as Entry[];
const PYTHON = "/usr/bin/python3";

/**
 * Re-running the real loaders takes seconds of torch start-up, so the everyday suite leaves it to
 * `.ci/run`, which sets MODELVET_VERIFY_FIXTURES=1 and runs this file again where torch is present.
 */
function hasFrameworks(): boolean {
  if (process.env.MODELVET_VERIFY_FIXTURES !== "1" || !existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ["-c", "import torch, numpy, joblib, sklearn"], { stdio: "ignore", timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

describe("PyTorch-family fixtures from the real frameworks", () => {
  it("has a manifest covering every family", () => {
    expect(manifest.length).toBeGreaterThan(60);
    for (const ext of [".pt", ".npy", ".npz", ".joblib", ".pkl", ".zip"]) expect(manifest.some((e) => e.file.endsWith(ext)), ext).toBe(true);
  });

  for (const entry of manifest) {
    const rules = entry.rules.filter((id) => known.has(id));
    const title = `${entry.file} is ${entry.verdict}${rules.length ? ` with ${rules.join(", ")}` : ""}${entry.gap ? ` (gap: ${entry.gap})` : ""}`;
    it.skipIf(entry.gap !== undefined)(title, async () => {
      const report = await scanBytes(readFileSync(base + entry.file), { path: entry.file, handlers: HANDLERS, rules: RULE_SET });
      const ids = report.findings.map((f) => f.ruleId);
      const detail = JSON.stringify({ findings: report.findings.map((f) => `${f.severity} ${f.ruleId} ${f.location.member ?? ""} ${f.message}`), errors: report.errors, formats: report.formats }, null, 1);
      expect(report.verdict, detail).toBe(entry.verdict);
      for (const rule of rules) expect(ids, detail).toContain(rule);
      if (entry.verdict === "clean") expect(report.findings.filter((f) => atLeast(f.severity, "medium")), detail).toEqual([]);
    });
  }

  it("lists no gap for an entry that now passes", async () => {
    const stale: string[] = [];
    for (const entry of manifest.filter((e) => e.gap !== undefined)) {
      const report = await scanBytes(readFileSync(base + entry.file), { path: entry.file, handlers: HANDLERS, rules: RULE_SET });
      if (report.verdict === entry.verdict) stale.push(entry.file);
    }
    expect(stale, "remove these gaps from gen_torch.py and regenerate").toEqual([]);
  });

  it("names for every hostile loader fixture a benign near miss that exists", () => {
    const files = new Set(manifest.map((e) => e.file));
    const missing = manifest.filter((e) => e.file.startsWith("hostile/") && e.loaders && (e.nearMiss === undefined || !files.has(e.nearMiss))).map((e) => e.file);
    expect(missing.filter((f) => !f.startsWith("hostile/jbl001"))).toEqual([]);
  });

  it("recorded, for every hostile variant, what the real loader does; every payload a loader runs is caught", () => {
    for (const entry of manifest.filter((e) => e.file.startsWith("hostile/") && e.loaders)) {
      for (const [loader, result] of Object.entries(entry.loaders ?? {})) {
        expect(result, `${entry.file} ${loader}`).toMatchObject({ outcome: expect.any(String), payload: expect.any(Boolean) });
        if (result.payload) expect(entry.verdict, `${entry.file}: ${loader} runs the payload`).toBe("unsafe");
      }
    }
  });
});

describe.skipIf(!hasFrameworks())("the real loaders still behave as recorded (runs torch, numpy and joblib; MODELVET_VERIFY_FIXTURES=1)", () => {
  it("gen_torch.py --verify reproduces every loader outcome and payload fact", () => {
    const out = execFileSync(PYTHON, [new URL("../fixtures/generate/gen_torch.py", import.meta.url).pathname, "--verify"], { encoding: "utf8", timeout: 240_000 });
    const result = JSON.parse(out) as { checked: number; mismatches: unknown[] };
    expect(result.checked).toBeGreaterThan(60);
    expect(result.mismatches).toEqual([]);
  }, 300_000);
});
