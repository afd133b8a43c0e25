import { closeSync, mkdirSync, openSync, ftruncateSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScanReport } from "../core/finding.js";
import { main } from "../cli/main.js";
import type { CliIo } from "../cli/io.js";
import { HUB_GATED_TOKEN, HUB_REPOS, makeHubFolder } from "../test-support/hub-fixtures.js";
import { startHubStandin, type HubStandin } from "../test-support/hub-standin.js";
import { buildSafetensors } from "../test-support/safetensors-builder.js";
import { hfEndpoint, hfToken } from "./remote-scan.js";

let hub: HubStandin;
let folder: ReturnType<typeof makeHubFolder>;
/** A sparse 256 MiB safetensors: header, then a hole. */
const BIG_REPO = "acme/big-model";
const BIG_BYTES = 256 * 1024 * 1024;
let bigSize = 0;

beforeAll(async () => {
  folder = makeHubFolder();
  const header = buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [BIG_BYTES / 4 - 64] }], metadata: { format: "pt" }, dataBytes: 0 });
  mkdirSync(join(folder.root, BIG_REPO), { recursive: true });
  const fd = openSync(join(folder.root, BIG_REPO, "model.safetensors"), "w");
  writeSync(fd, header);
  const dataStart = header.length;
  bigSize = dataStart + (BIG_BYTES / 4 - 64) * 4;
  ftruncateSync(fd, bigSize);
  closeSync(fd);
  hub = await startHubStandin({
    root: folder.root,
    gated: { [HUB_REPOS.gated]: HUB_GATED_TOKEN },
    lfsOid: (repo) => (repo === BIG_REPO ? "b".repeat(64) : undefined),
  });
});
afterAll(async () => {
  await hub.close();
  folder.cleanup();
});

async function scan(args: string[], env: Record<string, string> = {}): Promise<{ code: number; report: ScanReport | undefined; stderr: string; stdout: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    isTTY: { stdout: false, stderr: false },
    env: { HF_ENDPOINT: hub.url, HF_HUB_DISABLE_IMPLICIT_TOKEN: "1", ...env },
  };
  const code = await main(["node", "modelvet", "scan", "--format", "json", ...args], io);
  return { code, stdout, stderr, report: stdout.startsWith("{") ? (JSON.parse(stdout) as ScanReport) : undefined };
}

const byName = (report: ScanReport | undefined, name: string) => report?.files.find((f) => f.path.endsWith(`/${name}`));

describe("modelvet scan hf://", () => {
  it("flags the malicious files of a hub repo by rule id and says how much it fetched", async () => {
    const { code, report } = await scan([`hf://${HUB_REPOS.evil}`]);
    expect(code).toBe(1);
    const commit = await hub.commitOf(HUB_REPOS.evil);
    expect(report?.files.map((f) => f.path).sort()).toEqual([
      `hf://${HUB_REPOS.evil}@${commit}/config.json`,
      `hf://${HUB_REPOS.evil}@${commit}/extra/model.pkl`,
      `hf://${HUB_REPOS.evil}@${commit}/pytorch_model.bin`,
    ]);
    expect(byName(report, "pytorch_model.bin")?.verdict).toBe("unsafe");
    expect(byName(report, "pytorch_model.bin")?.findings.map((f) => f.ruleId)).toContain("PKL001");
    expect(byName(report, "model.pkl")?.findings.map((f) => f.ruleId)).toContain("PKL001");
    expect(byName(report, "config.json")?.verdict).toBe("clean");
    for (const file of report?.files ?? []) expect(file.bytesFetched).toBeGreaterThan(0);
  });

  it("passes a clean repo, and a path narrows the scan to one file", async () => {
    const clean = await scan([`hf://${HUB_REPOS.clean}`]);
    expect(clean.code).toBe(0);
    expect(clean.report?.summary.clean).toBe(4);
    const one = await scan([`hf://${HUB_REPOS.evil}/extra/model.pkl`]);
    expect(one.report?.files).toHaveLength(1);
    expect(one.report?.files[0]?.verdict).toBe("unsafe");
  });

  it("vets a 256 MiB safetensors reading well under 1 % of it", async () => {
    const { code, report } = await scan([`hf://${BIG_REPO}/model.safetensors`]);
    expect(code).toBe(0);
    const file = report?.files[0];
    expect(file?.size).toBe(bigSize);
    expect(file?.bytesFetched).toBeLessThan(bigSize / 100);
    expect(file?.notes.join(" ")).toContain(`of ${bigSize} bytes`);
  });

  it("uses HF_TOKEN for a gated repo, never sends it to the CDN, and says what to do without it", async () => {
    const denied = await scan([`hf://${HUB_REPOS.gated}`]);
    // Like a missing local path: an error report for that target, and the run goes on.
    expect(denied.code).toBe(1);
    expect(denied.report?.files[0]?.verdict).toBe("error");
    expect(denied.report?.files[0]?.errors[0]?.message).toMatch(/401 .*restricted.*set HF_TOKEN/);
    const before = hub.requests.length;
    const allowed = await scan([`hf://${HUB_REPOS.gated}`], { HF_TOKEN: HUB_GATED_TOKEN });
    expect(allowed.code).toBe(0);
    const seen = hub.requests.slice(before);
    expect(seen.filter((r) => r.origin === "cdn").length).toBeGreaterThan(0);
    expect(seen.filter((r) => r.origin === "cdn" && r.authorization !== undefined)).toEqual([]);
    expect(seen.filter((r) => r.origin === "hub").every((r) => r.authorization === `Bearer ${HUB_GATED_TOKEN}`)).toBe(true);
  });

  it("retries a 429 from the hub", async () => {
    hub.failNext(429, 2, /\/api\/models\//);
    const { code } = await scan([`hf://${HUB_REPOS.clean}/config.json`]);
    expect(code).toBe(0);
  });

  it("an unknown revision, an unknown repo and a malformed reference are error reports for that target; the others keep their verdicts", async () => {
    const message = async (ref: string): Promise<string | undefined> => (await scan([ref])).report?.files[0]?.errors[0]?.message;
    expect(await message(`hf://${HUB_REPOS.clean}@v9`)).toMatch(/404 .*Invalid rev id: v9/);
    expect(await message("hf://acme/missing")).toMatch(/404 .*Repository Not Found/);
    const bad = await scan(["hf://acme/../etc", `hf://${HUB_REPOS.evil}`]);
    expect(bad.code).toBe(1);
    expect(bad.report?.files[0]?.errors[0]?.message).toMatch(/Invalid repo id/);
    expect(bad.report?.files.some((f) => f.verdict === "unsafe")).toBe(true);
  });
});

describe("modelvet scan https://", () => {
  it("scans one URL, following the hub's redirect", async () => {
    const { code, report } = await scan([`${hub.url}/${HUB_REPOS.evil}/resolve/main/extra/model.pkl`]);
    expect(code).toBe(1);
    expect(report?.files[0]?.findings.map((f) => f.ruleId)).toContain("PKL001");
  });

  it("reports an unreachable file as an error verdict, not clean", async () => {
    const { code, report } = await scan([`${hub.url}/${HUB_REPOS.evil}/resolve/main/nope.bin`]);
    expect(code).toBe(1);
    expect(report?.files[0]?.verdict).toBe("error");
    expect(report?.files[0]?.errors[0]?.message).toMatch(/404 not found/);
  });
});

describe("HF_ENDPOINT and HF_TOKEN as huggingface_hub reads them", () => {
  it("defaults the endpoint and trims trailing slashes", () => {
    expect(hfEndpoint({})).toBe("https://huggingface.co");
    expect(hfEndpoint({ HF_ENDPOINT: "http://127.0.0.1:1/" })).toBe("http://127.0.0.1:1");
  });

  it("reads HF_TOKEN, then HF_TOKEN_PATH, unless implicit tokens are disabled", () => {
    const path = join(folder.root, "token");
    writeFileSync(path, "hf_from_file\n");
    expect(hfToken({ HF_TOKEN: "hf_env", HF_TOKEN_PATH: path })).toBe("hf_env");
    expect(hfToken({ HF_TOKEN_PATH: path })).toBe("hf_from_file");
    expect(hfToken({ HF_TOKEN_PATH: path, HF_HUB_DISABLE_IMPLICIT_TOKEN: "1" })).toBeUndefined();
  });
});
