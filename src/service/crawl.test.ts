import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVIL_PATH, makeSyntheticHub, type SyntheticHub } from "../test-support/synthetic-hub.js";
import { startHubStandin, type HubStandin } from "../test-support/hub-standin.js";
import { startCrawl, resumeCrawl, parseTarget, type CrawlOptions } from "./crawl.js";
import { judgeJob, MemoryStore } from "./crawl-memory.js";
import { LocalQueue } from "./queue-local.js";
import type { JobQueue, ScanJob } from "./jobs.js";
import { Metrics } from "./metrics.js";
import { policyContextOf } from "./policy-context.js";
import { DEFAULT_GATE_LIMITS, Vetter } from "./vet.js";

const PAGE = 5;
const POLICY = policyContextOf(undefined, "default policy");

let synthetic: SyntheticHub;
let hub: HubStandin;

beforeAll(async () => {
  // 80 repos over 4 organisations (20 each), every 7th with a malicious pickle; pages of 5.
  synthetic = makeSyntheticHub({ repos: 80, evilEvery: 7 });
  hub = await startHubStandin({ memory: synthetic.repos, maxModelsPage: PAGE });
});
afterAll(async () => {
  await hub.close();
});

const reposOf = (org: string) => [...synthetic.repos.keys()].filter((r) => r.startsWith(`${org}/`));
const filesOf = (repos: string[]) => repos.reduce((n, r) => n + (synthetic.repos.get(r)?.size ?? 0), 0);
const listingRequests = () => hub.requests.filter((r) => r.url.startsWith("/api/models?"));

/** A store, a queue that judges in-process, and the crawl options wired to them. */
function setup(): { store: MemoryStore; queue: LocalQueue; options: CrawlOptions } {
  const store = new MemoryStore();
  const vetter = new Vetter({ upstream: hub.url, metrics: new Metrics(), toolVersion: "test", limits: DEFAULT_GATE_LIMITS });
  const judge = { vetter, store, policy: POLICY };
  const queue = new LocalQueue((job) => judgeJob(job, judge), { toolVersion: "test", maxRunning: 4 });
  return { store, queue, options: { upstream: hub.url, queue, store, policyDigest: POLICY.digest, toolVersion: "test", waitForJobs: () => queue.idle() } };
}

/** A queue that only records what it was given. */
function recordingQueue(): JobQueue & { jobs: ScanJob[] } {
  const jobs: ScanJob[] = [];
  return {
    jobs,
    enqueue: async (batch) => {
      jobs.push(...batch);
      return { queued: batch.length, joined: 0 };
    },
    run: () => Promise.reject(new Error("not used")),
    counts: async () => ({ waiting: jobs.length, active: 0, delayed: 0, failed: 0, completed: 0, oldestWaitingMillis: 0 }),
    close: async () => undefined,
  };
}

describe("crawl of an organisation", () => {
  it("judges every file of every repo: PKL001 in exactly the evil repos, the others clean", async () => {
    const { store, queue, options } = setup();
    const acme = reposOf("acme");
    const evil = acme.filter((r) => synthetic.evil.has(r));
    expect(evil.length).toBeGreaterThan(0);
    const state = await startCrawl({ kind: "org", org: "acme" }, options);
    expect(state).toMatchObject({ status: "done", cursor: "", reposListed: acme.length, filesQueued: filesOf(acme), target: "org:acme" });
    expect(queue.failures).toEqual([]);
    expect(await store.getCrawl(state.id)).toMatchObject({ status: "done", reposListed: acme.length });

    const hits = await store.filesByRule("PKL001", { org: "acme", limit: 1000 });
    expect(hits.map((h) => h.repo).sort()).toEqual(evil.sort());
    expect(hits.every((h) => h.path === EVIL_PATH && h.verdict === "unsafe" && h.crawlId === state.id)).toBe(true);
    const evilFiles = await store.filesByRepo(evil[0] as string, 100);
    expect(evilFiles.find((f) => f.path === EVIL_PATH)?.rules).toContain("PKL001");
    const clean = acme.find((r) => !synthetic.evil.has(r)) as string;
    const cleanFiles = await store.filesByRepo(clean, 100);
    expect(cleanFiles.map((f) => f.path).sort()).toEqual(["README.md", "config.json", "model.safetensors"]);
    for (const f of cleanFiles) expect([f.path, f.verdict, f.rules]).toEqual([f.path, "clean", []]);
    // Other organisations were not crawled.
    expect(await store.filesByRule("PKL001", { org: "globex", limit: 10 })).toEqual([]);
  });

  it("does not enqueue files whose LFS sha256 already has a verdict under this policy and version", async () => {
    const { options } = setup();
    const first = await startCrawl({ kind: "org", org: "globex" }, options);
    const recorder = recordingQueue();
    const second = await startCrawl({ kind: "org", org: "globex" }, { ...options, queue: recorder, waitForJobs: undefined });
    const globex = reposOf("globex");
    const lfs = globex.reduce((n, r) => n + [...(synthetic.repos.get(r)?.keys() ?? [])].filter((p) => /\.(safetensors|bin)$/.test(p)).length, 0);
    expect(first.filesQueued).toBe(filesOf(globex));
    expect(second).toMatchObject({ status: "queued", filesKnown: lfs, filesQueued: filesOf(globex) - lfs });
    expect(recorder.jobs.every((j) => j.digest === undefined)).toBe(true);
  });

  it("retries a listing page the hub answered 503 for", async () => {
    const recorder = recordingQueue();
    hub.failNext(503, 2, /^\/api\/models\?/);
    const state = await startCrawl({ kind: "org", org: "initech" }, { ...setup().options, queue: recorder, waitForJobs: undefined });
    expect(state).toMatchObject({ status: "queued", reposListed: reposOf("initech").length, filesQueued: filesOf(reposOf("initech")) });
  });
});

describe("resume after an interrupted crawl", () => {
  for (const when of ["in the middle of a page", "between two pages"] as const) {
    it(`continues where it stopped (${when}) without enqueueing a repo twice`, async () => {
      const { store } = setup();
      const recorder = recordingQueue();
      const controller = new AbortController();
      const base: CrawlOptions = { upstream: hub.url, queue: recorder, store, policyDigest: POLICY.digest, toolVersion: "test" };
      const before = listingRequests().length;
      const stopped = await startCrawl(
        { kind: "org", org: "umbrella" },
        {
          ...base,
          signal: controller.signal,
          onProgress: (s) => {
            const cursor = JSON.parse(s.cursor || "{}") as { after?: string };
            if (when === "in the middle of a page" && s.reposListed >= 2 * PAGE + 3) controller.abort();
            if (when === "between two pages" && s.reposListed === 2 * PAGE && cursor.after === undefined) controller.abort();
          },
        },
      );
      expect(stopped.status).toBe("listing");
      // Repos listed at once may finish after the one that triggered the abort.
      if (when === "in the middle of a page") expect(stopped.reposListed).toBeGreaterThanOrEqual(2 * PAGE + 3);
      else expect(stopped.reposListed).toBe(2 * PAGE);
      expect(stopped.reposListed).toBeLessThan(reposOf("umbrella").length);
      expect(listingRequests().length - before).toBe(when === "in the middle of a page" ? 3 : 2);
      const queuedBefore = recorder.jobs.length;

      const resumed = await resumeCrawl(stopped.id, base);
      const umbrella = reposOf("umbrella");
      expect(resumed).toMatchObject({ id: stopped.id, status: "queued", reposListed: umbrella.length, filesQueued: filesOf(umbrella) });
      const keys = recorder.jobs.map((j) => `${j.repo}/${j.path}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.length).toBe(filesOf(umbrella));
      expect(queuedBefore).toBeGreaterThan(0);
      // The resumed run starts at the saved page, not at the first one.
      const resumedRequests = listingRequests().slice(-(Math.ceil(umbrella.length / PAGE) - 2));
      expect(resumedRequests[0]?.url).toMatch(/cursor=/);
    });
  }

  it("remembers repos done behind a slow one, and does not enqueue them again on resume", async () => {
    const globex = reposOf("globex");
    const slow = globex[0] as string;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding = true;
    const slowHub = await startHubStandin({ memory: synthetic.repos, maxModelsPage: PAGE, hold: (url) => (holding && url.startsWith(`/api/models/${slow}/tree/`) ? held : undefined) });
    try {
      const store = new MemoryStore();
      const recorder = recordingQueue();
      const controller = new AbortController();
      const base: CrawlOptions = { upstream: slowHub.url, queue: recorder, store, policyDigest: POLICY.digest, toolVersion: "test", listingConcurrency: 3 };
      const stopped = await startCrawl(
        { kind: "org", org: "globex" },
        {
          ...base,
          signal: controller.signal,
          onProgress: (s) => {
            // The rest of the first page is done while the slow repo still holds the front.
            if (s.reposListed >= PAGE - 1 && !controller.signal.aborted) {
              holding = false;
              controller.abort();
              release();
            }
          },
        },
      );
      const cursor = JSON.parse(stopped.cursor) as { page?: string; after?: string; done?: string[] };
      expect(stopped.status).toBe("listing");
      expect(cursor.after).toBeUndefined();
      expect(cursor.done?.sort()).toEqual(globex.slice(1, PAGE).sort());
      expect(recorder.jobs.some((j) => j.repo === slow)).toBe(false);
      const resumed = await resumeCrawl(stopped.id, base);
      expect(resumed).toMatchObject({ status: "queued", reposListed: globex.length, filesQueued: filesOf(globex) });
      const keys = recorder.jobs.map((j) => `${j.repo}/${j.path}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.length).toBe(filesOf(globex));
    } finally {
      release();
      await slowHub.close();
    }
  });

  it("resumes a list of repos at the next one, and skips a repo the hub does not have", async () => {
    const store = new MemoryStore();
    const recorder = recordingQueue();
    const repos = [...reposOf("acme").slice(0, 3), "acme/does-not-exist", ...reposOf("acme").slice(3, 5)];
    const controller = new AbortController();
    // One repo at a time, so that the abort falls at a known index.
    const base: CrawlOptions = { upstream: hub.url, queue: recorder, store, policyDigest: POLICY.digest, toolVersion: "test", listingConcurrency: 1 };
    const stopped = await startCrawl({ kind: "repos", repos }, { ...base, signal: controller.signal, onProgress: (s) => s.cursor !== "" && (JSON.parse(s.cursor) as { index: number }).index >= 2 && controller.abort() });
    expect(stopped).toMatchObject({ status: "listing", reposListed: 2 });
    const resumed = await resumeCrawl(stopped.id, base);
    expect(resumed).toMatchObject({ status: "queued", reposListed: 5, reposSkipped: 1 });
    expect(resumed.lastError).toMatch(/acme\/does-not-exist: the hub answered 404/);
    const keys = recorder.jobs.map((j) => `${j.repo}/${j.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(recorder.jobs.map((j) => j.repo))).toEqual(new Set(repos.filter((r) => !r.includes("does-not-exist"))));
  });

  it("refuses an unknown crawl id, and a resume under another policy", async () => {
    await expect(resumeCrawl("nope", { ...setup().options })).rejects.toThrow(/No crawl "nope"/);
    const { options } = setup();
    const controller = new AbortController();
    controller.abort();
    const stopped = await startCrawl({ kind: "repos", repos: ["acme/model-0000"] }, { ...options, signal: controller.signal });
    expect(stopped.status).toBe("listing");
    const other = policyContextOf('{"version": 1, "rules": {"PKL001": "low"}}', "lenient");
    await expect(resumeCrawl(stopped.id, { ...options, policyDigest: other.digest })).rejects.toThrow(/under another policy/);
    expect(await resumeCrawl(stopped.id, options)).toMatchObject({ status: "done", reposListed: 1 });
  });
});

describe("hub-wide listing", () => {
  it("lists every repo of the hub page by page and pins each job to the repo's commit", async () => {
    const recorder = recordingQueue();
    const state = await startCrawl({ kind: "hub" }, { ...setup().options, queue: recorder, waitForJobs: undefined });
    expect(state).toMatchObject({ status: "queued", reposListed: synthetic.repos.size, filesQueued: synthetic.files });
    const job = recorder.jobs.find((j) => j.path === EVIL_PATH) as ScanJob;
    expect(job.revision).toBe(await hub.commitOf(job.repo));
    expect(job.digest).toBe(`sha256:${await hub.oidOf(job.repo, EVIL_PATH)}`);
    expect(job.origin).toBe(`crawl:${state.id}`);
  });
});

describe("crawl targets", () => {
  it("parses what CrawlState.target saved, and refuses what is not a target", () => {
    expect(parseTarget("org:acme")).toEqual({ kind: "org", org: "acme" });
    expect(parseTarget("repos:a/b,c/d")).toEqual({ kind: "repos", repos: ["a/b", "c/d"] });
    expect(parseTarget("hub")).toEqual({ kind: "hub" });
    expect(parseTarget("repos:a/../b")).toMatch(/Invalid repo id/);
    expect(parseTarget("org:a/b")).toMatch(/Invalid organisation/);
    expect(parseTarget("everything")).toMatch(/Unknown crawl target/);
  });
});
