import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubStandin, type HubStandin } from "../test-support/hub-standin.js";
import { EVIL_PATH, makeSyntheticHub } from "../test-support/synthetic-hub.js";
import { buildGate } from "./app.js";
import { startCrawl, type CrawlExtendedState } from "./crawl.js";
import { judgeJob, MemoryStore } from "./crawl-memory.js";
import { LocalQueue } from "./queue-local.js";
import type { FileResult } from "./jobs.js";
import { Metrics } from "./metrics.js";
import { policyContextOf } from "./policy-context.js";
import { createToken } from "./tokens.js";
import { DEFAULT_GATE_LIMITS, Vetter } from "./vet.js";

const synthetic = makeSyntheticHub({ repos: 24, evilEvery: 3 });
const HOSTILE_PATH = "x<img src=x onerror=alert(1)>.pkl";
let hub: HubStandin;
let store: MemoryStore;
let app: FastifyInstance;
let crawl: CrawlExtendedState;
const tokens = { scan: "", pull: "", admin: "" };
const acmeEvil = [...synthetic.evil].filter((r) => r.startsWith("acme/")).sort();

beforeAll(async () => {
  hub = await startHubStandin({ memory: synthetic.repos, maxModelsPage: 4 });
  store = new MemoryStore();
  const policy = policyContextOf(undefined, "default policy");
  const vetter = new Vetter({ upstream: hub.url, metrics: new Metrics(), toolVersion: "test", limits: DEFAULT_GATE_LIMITS });
  const judge = { vetter, store, policy };
  const queue = new LocalQueue((job) => judgeJob(job, judge), { toolVersion: "test", maxRunning: 4 });
  crawl = await startCrawl({ kind: "org", org: "acme" }, { upstream: hub.url, queue, store, policyDigest: policy.digest, toolVersion: "test", waitForJobs: () => queue.idle() });
  await store.recordFileResult({ repo: "acme/odd", revision: "f".repeat(40), path: HOSTILE_PATH, digest: "sha256:00", verdictKey: "k", verdict: "unsafe", rules: ["PKL001"], scannedAt: "2000-01-01T00:00:00.000Z" });
  tokens.scan = (await createToken(store, { name: "reader", scopes: ["scan"] })).token;
  tokens.pull = (await createToken(store, { name: "puller", scopes: ["pull"] })).token;
  tokens.admin = (await createToken(store, { name: "admin", scopes: ["admin"] })).token;
  app = await buildGate({ upstream: hub.url, store, toolVersion: "test" });
});
afterAll(async () => {
  await app.close();
  await hub.close();
});

async function get(url: string, token = tokens.scan): Promise<{ status: number; body: { files?: FileResult[]; next?: string; error?: string } & Record<string, unknown>; text: string }> {
  const response = await app.inject({ method: "GET", url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.statusCode, body: response.headers["content-type"]?.toString().startsWith("application/json") ? (response.json() as never) : ({} as never), text: response.body };
}

describe("crawl results API", () => {
  it("answers by repo: every file of the repo with its verdict and rules", async () => {
    const evil = acmeEvil[0] as string;
    const { status, body } = await get(`/v1/files?repo=${evil}`);
    expect(status).toBe(200);
    expect(body.files?.map((f) => f.path).sort()).toEqual(["README.md", "config.json", "model.safetensors", EVIL_PATH].sort());
    const pickle = body.files?.find((f) => f.path === EVIL_PATH);
    expect(pickle).toMatchObject({ repo: evil, verdict: "unsafe", crawlId: crawl.id, revision: await hub.commitOf(evil) });
    expect(pickle?.rules).toContain("PKL001");
    expect(body.files?.filter((f) => f.path !== EVIL_PATH).every((f) => f.verdict === "clean")).toBe(true);
    expect(body.next).toBeUndefined();
  });

  it("answers by rule within an organisation, a page at a time with the after cursor", async () => {
    const seen: FileResult[] = [];
    let url = "/v1/files?rule=PKL001&org=acme&limit=2";
    for (let pages = 0; pages < 20; pages++) {
      const { status, body } = await get(url);
      expect(status).toBe(200);
      expect(body.files?.length).toBeLessThanOrEqual(2);
      seen.push(...(body.files ?? []));
      if (body.next === undefined) break;
      url = `/v1/files?rule=PKL001&org=acme&limit=2&after=${encodeURIComponent(body.next)}`;
    }
    const keys = seen.map((f) => `${f.repo}/${f.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual([...acmeEvil.map((r) => `${r}/${EVIL_PATH}`), `acme/odd/${HOSTILE_PATH}`].sort());
    expect((await get("/v1/files?rule=PKL001&org=globex")).body.files).toEqual([]);
    expect((await get("/v1/files?rule=SAF001&org=acme")).body.files).toEqual([]);
  });

  it("answers a crawl's state by id", async () => {
    const { status, body } = await get(`/v1/crawls/${crawl.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: crawl.id, target: "org:acme", status: "done", reposListed: 6, filesQueued: crawl.filesQueued });
    expect((await get("/v1/crawls/0123abcd")).status).toBe(404);
  });

  it("refuses callers without the scan scope and queries that are not one or the other", async () => {
    expect((await get("/v1/files?repo=acme/x", "")).status).toBe(401);
    expect((await get("/v1/files?repo=acme/x", tokens.pull)).status).toBe(403);
    expect((await get(`/v1/crawls/${crawl.id}`, tokens.pull)).status).toBe(403);
    expect((await get("/v1/files?repo=acme/x&rule=PKL001")).status).toBe(400);
    expect((await get("/v1/files")).status).toBe(400);
    expect((await get("/v1/files?repo=../etc")).status).toBe(400);
    expect((await get("/v1/files?rule=PKL001&limit=100000")).status).toBe(400);
  });

  it("documents the endpoints in the OpenAPI spec", async () => {
    const spec = (await app.inject({ method: "GET", url: "/openapi.json" })).json() as { paths: Record<string, { get?: { parameters?: { name: string }[] } }> };
    expect(spec.paths["/v1/files"]?.get?.parameters?.map((p) => p.name).sort()).toEqual(["after", "limit", "org", "repo", "rule"]);
    expect(spec.paths["/v1/crawls/{id}"]?.get).toBeDefined();
  });
});

describe("crawl results page", () => {
  it("lists every file in an organisation with a rule, links repos and rules, and escapes file names", async () => {
    const { status, text } = await get("/ui/files?rule=PKL001&org=acme", tokens.admin);
    expect(status).toBe(200);
    for (const repo of acmeEvil) expect(text).toContain(`href="/ui/files?repo=${encodeURIComponent(repo)}"`);
    expect(text).toContain("x&#60;img src=x onerror=alert(1)&#62;.pkl");
    expect(text).not.toContain("<img");
    expect(text).toContain('href="/ui/files?rule=PKL001&#38;org=acme"');
  });

  it("shows the recent crawls when asked nothing, and wants the admin scope", async () => {
    const { text } = await get("/ui/files", tokens.admin);
    expect(text).toContain(crawl.id);
    expect((await get("/ui/files", tokens.scan)).status).toBe(403);
    expect((await get("/ui/files?repo=<x>", tokens.admin)).status).toBe(400);
  });
});
