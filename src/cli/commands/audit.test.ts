import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScanReport } from "../../core/finding.js";
import { main } from "../main.js";

const FIXTURES = new URL("../../../fixtures/audit/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "modelvet-audit-cli-"));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "modelvet", "audit", ...args], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    isTTY: { stdout: false, stderr: false },
    env: {},
  });
  return { code, stdout, stderr };
}

describe("modelvet audit", () => {
  it("reports in text with the scan exit codes", async () => {
    const result = await run(["--no-cache", join(FIXTURES, "mlflow_model/requirements.txt")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("AUD001 mlflow 2.9.0 is affected by GHSA-6749-m5cp-6cg7 (CVE-2024-27132)");
  });

  it("exits 0 on the benign near-misses", async () => {
    const result = await run(["--no-cache", join(FIXTURES, "near-miss/requirements-benign.txt")]);
    expect(result.code).toBe(0);
  });

  it("applies --fail-on: a low AUD003 passes at high and fails at low", async () => {
    const path = join(FIXTURES, "hf_repo/requirements.txt");
    const loose = join(dir, "requirements.txt");
    writeFileSync(loose, "torch>=2.1\n");
    expect((await run(["--no-cache", loose])).code).toBe(0);
    expect((await run(["--no-cache", "--fail-on", "low", loose])).code).toBe(1);
    expect((await run(["--no-cache", path])).code).toBe(1);
  });

  it("writes JSON and SARIF with the AUD rules", async () => {
    const json = JSON.parse((await run(["--no-cache", "-f", "json", join(FIXTURES, "locks/gradle.lockfile")])).stdout) as ScanReport;
    expect(json.files[0]?.findings.map((f) => f.message).join()).toContain("CVE-2024-6960");
    const sarif = JSON.parse((await run(["--no-cache", "-f", "sarif", join(FIXTURES, "locks/uv.lock")])).stdout) as { runs: { results: { ruleId: string }[]; tool: { driver: { rules: { id: string }[] } } }[] };
    expect(sarif.runs[0]?.results.map((r) => r.ruleId)).toContain("AUD001");
    expect(sarif.runs[0]?.tool.driver.rules.map((r) => r.id)).toContain("AUD001");
  });

  it("is a usage error without paths or with a missing path", async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(["--no-cache", join(dir, "nope.txt")])).code).toBe(2);
  });
});

/** A stand-in for an OSV export host on 127.0.0.1; each test sets what it serves. */
describe("modelvet audit --update", () => {
  let server: Server;
  let base = "";
  const files = new Map<string, Uint8Array>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = files.get(req.url ?? "");
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-length": String(body.byteLength) }).end(Buffer.from(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** A made-up advisory: torch 2.6.0 affected, fixed in 2.6.1 (so the cache visibly changes results). */
  const fresh = { id: "GHSA-test-test-test", aliases: ["CVE-2099-0001"], summary: "Test advisory from the stand-in feed", affected: [{ package: { ecosystem: "PyPI", name: "torch" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.6.1" }] }] }], database_specific: { severity: "HIGH" } };
  const unrelated = { id: "GHSA-other", affected: [{ package: { ecosystem: "npm", name: "left-pad" } }] };
  const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
  const publish = (path: string, body: Uint8Array, checksum = sha(body)) => {
    files.set(path, body);
    files.set(`${path}.sha256`, new TextEncoder().encode(`${checksum}  ${path.slice(1)}\n`));
  };
  const pinned = () => {
    const path = join(dir, "pinned.txt");
    writeFileSync(path, "torch==2.6.0\n");
    return path;
  };

  it("refreshes from a zipped OSV export verified by its .sha256, and the audit then uses it", async () => {
    const zip = zipSync({ "GHSA-test-test-test.json": new TextEncoder().encode(JSON.stringify(fresh)), "GHSA-other.json": new TextEncoder().encode(JSON.stringify(unrelated)) });
    publish("/PyPI/all.zip", zip);
    const cache = join(dir, "cache-zip");
    const update = await run(["--update", "--from", `${base}/PyPI/all.zip`, "--cache-dir", cache]);
    expect(update.stderr).toContain("advisory cache updated: 1 advisories");
    expect(update.code).toBe(0);
    const cached = JSON.parse(readFileSync(join(cache, "advisories.json"), "utf8")) as { advisories: { id: string }[] };
    expect(cached.advisories.map((a) => a.id)).toEqual(["GHSA-test-test-test"]);
    const audited = await run(["--cache-dir", cache, pinned()]);
    expect(audited.stdout).toContain("GHSA-test-test-test");
    // Curated entries stay on top of any feed.
    expect((await run(["--cache-dir", cache, join(FIXTURES, "mlflow_model/requirements.txt")])).stdout).toContain("CVE-2024-27132");
    // --no-cache ignores it.
    expect((await run(["--no-cache", "--cache-dir", cache, pinned()])).stdout).not.toContain("GHSA-test-test-test");
  });

  it("refuses a download whose checksum does not match and keeps the old cache", async () => {
    const body = new TextEncoder().encode(JSON.stringify([fresh]));
    publish("/bad.json", body, "0".repeat(64));
    const cache = join(dir, "cache-bad");
    const result = await run(["--update", "--from", `${base}/bad.json`, "--cache-dir", cache]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/update refused: Checksum mismatch/);
    expect(existsSync(join(cache, "advisories.json"))).toBe(false);
  });

  it("refuses a feed entry that fails the OSV schema check, with the checksum right", async () => {
    const broken = { ...fresh, affected: [{ package: { ecosystem: "PyPI", name: "torch" }, ranges: [{ type: "ECOSYSTEM", events: [{ fixed: 2 }] }] }] };
    publish("/broken.json", new TextEncoder().encode(JSON.stringify([broken])));
    const result = await run(["--update", "--from", `${base}/broken.json`, "--cache-dir", join(dir, "cache-broken")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/fails the OSV schema check/);
  });

  it("refuses a feed without a published checksum unless --sha256 is given", async () => {
    const body = new TextEncoder().encode(JSON.stringify({ advisories: [fresh] }));
    files.set("/nosum.json", body);
    const cache = join(dir, "cache-nosum");
    expect((await run(["--update", "--from", `${base}/nosum.json`, "--cache-dir", cache])).stderr).toMatch(/No checksum.*--sha256/);
    const ok = await run(["--update", "--from", `${base}/nosum.json`, "--sha256", sha(body), "--cache-dir", cache]);
    expect(ok.code).toBe(0);
    expect(existsSync(join(cache, "advisories.json"))).toBe(true);
  });

  it("falls back to the bundled data with a note when the cache is corrupt", async () => {
    const cache = join(dir, "cache-corrupt");
    await run(["--update", "--from", `${base}/nosum.json`, "--sha256", sha(files.get("/nosum.json") as Uint8Array), "--cache-dir", cache]);
    writeFileSync(join(cache, "advisories.json"), "{not json");
    const result = await run(["--cache-dir", cache, join(FIXTURES, "mlflow_model/requirements.txt")]);
    expect(result.stderr).toMatch(/cache .* is invalid/);
    expect(result.stdout).toContain("CVE-2025-32434");
  });
});
