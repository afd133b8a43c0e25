import { spawn, type ChildProcess } from "node:child_process";
import type { EventEmitter } from "node:events";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERSION } from "../node/scan-paths.js";
import { listen, type TestServer } from "../test-support/http-files.js";
import { runCli } from "../test-support/run-cli.js";
import { HUB_REPOS, makeHubFolder } from "../test-support/hub-fixtures.js";
import { startHubStandin, type HubStandin } from "../test-support/hub-standin.js";
import { HAVE_REDIS, startRedis, type RedisServer } from "../test-support/redis-server.js";
import { buildGate } from "./app.js";
import { openCrawlQueue } from "./crawl-backends.js";
import { verdictKeyOf } from "./job-keys.js";
import { policyDigestOf } from "./policy-book.js";
import { policyContextOf } from "./policy-context.js";
import { BullQueue } from "./queue-bullmq.js";
import { SqliteStore } from "./store.js";

/** Worker processes run the built CLI: kill -9 is about a real process, and scans run on its worker threads. */
const BIN = new URL("../../dist/cli/bin.js", import.meta.url).pathname;
const BUILT = existsSync(BIN);
const REPO_ROOT = new URL("../../", import.meta.url).pathname;
if (!HAVE_REDIS) console.warn("Skipping the queue tests: redis-server is not installed (apt-get install -y redis-server).");
else if (!BUILT) console.warn(`Skipping the queue tests: ${BIN} not found (run npm run build).`);

/** Files only the fault tests touch, so each test starts from an unjudged digest. */
const FAULTS = "acme/fault-model";
/** Short claims so a dead worker's job comes back within about two seconds. */
const FAST_STALLS = ["--lock-ms", "1500", "--stalled-ms", "400", "--max-stalled", "1"];

let redis: RedisServer;
let hub: HubStandin;
let folder: ReturnType<typeof makeHubFolder>;
let proxy: HoldingProxy;
let dir: string;
let db: string;
let store: SqliteStore;
let queue: BullQueue;
let app: FastifyInstance;
let gate: string;
const workers: Worker[] = [];

beforeAll(async () => {
  if (!HAVE_REDIS || !BUILT) return;
  folder = makeHubFolder();
  mkdirSync(join(folder.root, FAULTS), { recursive: true });
  // Contents of their own (no other test pulls these digests), so each fault test starts unjudged.
  copyFileSync(join(REPO_ROOT, "fixtures/torch/benign/mixed_dtypes.pt"), join(folder.root, FAULTS, "killed.bin"));
  copyFileSync(join(REPO_ROOT, "samples/classifier.pkl"), join(folder.root, FAULTS, "poison.pkl"));
  copyFileSync(join(REPO_ROOT, "fixtures/torch/hostile/arc001_traversal_member.pt"), join(folder.root, FAULTS, "dedupe.bin"));
  copyFileSync(join(REPO_ROOT, "fixtures/torch/benign/state_dict.pt"), join(folder.root, FAULTS, "midclose.bin"));
  for (const twin of ["twin-a.bin", "twin-b.bin"]) copyFileSync(join(REPO_ROOT, "fixtures/torch/benign/legacy_tar.pt"), join(folder.root, FAULTS, twin));
  hub = await startHubStandin({ root: folder.root });
  proxy = await startHoldingProxy(hub.url);
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), "modelvet-queue-test-"));
  db = join(dir, "gate.db");
  store = SqliteStore.open(db);
  queue = BullQueue.open({ url: redis.url, toolVersion: VERSION, backoffMillis: 200 });
  expect(await queue.ready(5_000)).toBe(true);
  // The gate reads the hub directly; workers go through the proxy, where the tests hold their requests.
  app = await buildGate({ upstream: hub.url, store, toolVersion: VERSION, anonymousScopes: ["pull"], queue });
  gate = await app.listen({ port: 0, host: "127.0.0.1" });
});

afterAll(async () => {
  if (!HAVE_REDIS || !BUILT) return;
  for (const w of workers) w.child.kill("SIGKILL");
  await app.close();
  await queue.close();
  await store.close();
  await proxy.close();
  await hub.close();
  await redis.close();
  folder.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

interface Worker {
  child: ChildProcess;
  log: string[];
  /** Resolves with the exit signal once the process is gone. */
  exited: Promise<string | null>;
}

/** A `modelvet worker` process on the test's queue (or `queueUrl`) and store, ready when it said so. */
async function startWorker(extra: string[] = FAST_STALLS, queueUrl = redis.url): Promise<Worker> {
  const child = spawn(process.execPath, [BIN, "worker", "--queue", queueUrl, "--db", db, "--upstream", proxy.url, ...extra], { stdio: ["ignore", "ignore", "pipe"] });
  const log: string[] = [];
  const exited = new Promise<string | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    let buffer = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        log.push(line);
        if (/^modelvet worker \d+ ready/.test(line)) resolve();
      }
    });
    void exited.then(() => reject(new Error(`worker exited before it was ready: ${log.join("\n")}`)));
  });
  const worker = { child, log, exited };
  workers.push(worker);
  return worker;
}

async function kill9(worker: Worker): Promise<void> {
  worker.child.kill("SIGKILL");
  expect(await worker.exited).toBe("SIGKILL");
}

const isAlive = (w: Worker): boolean => w.child.exitCode === null && w.child.signalCode === null;

/** A live worker: the newest one started, or a new one (tests also run alone with -t). */
async function liveWorker(): Promise<Worker> {
  return workers.filter(isAlive).at(-1) ?? (await startWorker());
}

/** At least `n` live workers, started in parallel as needed (starting one costs a second or more). */
async function liveWorkers(n: number): Promise<Worker[]> {
  const alive = workers.filter(isAlive);
  return [...alive, ...(await Promise.all(Array.from({ length: Math.max(0, n - alive.length) }, () => startWorker())))];
}

/** The worker process holding the active job for `path` (BullMQ's processedBy is `host#pid`). */
async function holderOf(path: string): Promise<Worker> {
  const active = (await queue.active(10)).find((a) => a.job.path === path);
  const pid = Number(active?.worker.split("#").at(-1));
  const worker = workers.find((w) => w.child.pid === pid);
  if (!worker) throw new Error(`No worker process holds ${path} (active: ${JSON.stringify(active)})`);
  return worker;
}

const pull = (repo: string, path: string): Promise<Response> => fetch(`${gate}/${repo}/resolve/main/${path}`);
/**
 * The scans of `path` the workers logged, once at least `atLeast` are in: a worker's log line may
 * come through its stderr pipe after the gate already has the job's outcome from Redis.
 */
async function loggedScans(path: string | string[], atLeast = 1): Promise<string[]> {
  const paths = typeof path === "string" ? [path] : path;
  const all = (): string[] => workers.flatMap((w) => paths.flatMap((p) => scansOf(w, p)));
  for (let i = 0; i < 200 && all().length < atLeast; i++) await new Promise((r) => setTimeout(r, 50));
  return all();
}

const scansOf = (worker: Worker, path: string): string[] => worker.log.filter((l) => l.includes(`/${path}: `) && !l.includes("(from store)"));

describe("BullQueue while Redis is unreachable (no server needed)", () => {
  it("closes at once: BullMQ's own close waits for connections that never come up (crawl --queue never exited)", async () => {
    // Port 1: nothing listens, every connection attempt is refused and retried.
    const down = BullQueue.open({ url: "redis://127.0.0.1:1", toolVersion: VERSION });
    expect(await down.ready(300)).toBe(false);
    await expect(down.enqueue([])).rejects.toThrow(/The scan queue \(Redis\) is unreachable/);
    const started = Date.now();
    await down.close();
    expect(Date.now() - started).toBeLessThan(1_500);
    // BullMQ's close leaves its connections without an error listener, and one whose first
    // connect was still pending reports its failure later: that report must not throw (an
    // unhandled rejection). The race itself cannot be made on demand, so the report is made here.
    const internals = down as unknown as { queue: { connection: EventEmitter }; events: { connection: EventEmitter } };
    for (const connection of [internals.queue.connection, internals.events.connection]) {
      expect(() => connection.emit("error", new Error("connect ECONNREFUSED 127.0.0.1:1 (late)"))).not.toThrow();
    }
  }, 5_000);
});

describe.skipIf(!HAVE_REDIS || !BUILT)("modelvet serve --queue with modelvet worker processes (real Redis)", () => {
  it("sends a pull's scan through Redis to a worker process and serves or blocks by its verdict", async () => {
    const worker = await startWorker();
    const clean = await pull(HUB_REPOS.clean, "model.safetensors");
    expect(clean.status).toBe(200);
    expect(clean.headers.get("x-modelvet-verdict")).toBe("clean");
    expect(clean.headers.get("x-modelvet-cache")).toBe("miss");
    await clean.arrayBuffer();

    const evil = await pull(HUB_REPOS.evil, "pytorch_model.bin");
    expect(evil.status).toBe(403);
    const body = (await evil.json()) as { rules: string[] };
    expect(body.rules).toContain("PKL001");
    // The worker did both scans; the gate only read storage.
    expect(await loggedScans("model.safetensors")).toHaveLength(1);
    expect(await loggedScans("pytorch_model.bin")).toHaveLength(1);
    expect(scansOf(worker, "pytorch_model.bin")).toHaveLength(1);

    const again = await pull(HUB_REPOS.evil, "pytorch_model.bin");
    expect(again.status).toBe(403);
    expect(again.headers.get("x-modelvet-cache")).toBe("hit");
    const metrics = await (await fetch(`${gate}/metrics`)).text();
    expect(metrics).toMatch(/^modelvet_queue_up 1$/m);
    expect(metrics).toMatch(/^modelvet_queue_waiting_jobs 0$/m);
    expect(metrics).toMatch(/^modelvet_queue_jobs_total\{result="scanned",verdict="unsafe"\} 1$/m);
  });

  it("scans a digest once when two pulls and a crawl ask for it while it runs", async () => {
    const worker = await liveWorker();
    const hold = proxy.hold(/dedupe\.bin/);
    const first = pull(FAULTS, "dedupe.bin");
    const second = pull(FAULTS, "dedupe.bin");
    await hold.arrived;
    const digest = `sha256:${await hub.oidOf(FAULTS, "dedupe.bin")}`;
    const job = { repo: FAULTS, revision: await hub.commitOf(FAULTS), path: "dedupe.bin", digest, policyDigest: policyDigestOf(undefined), origin: "crawl:test" };
    expect(await queue.enqueue([job])).toEqual({ queued: 0, joined: 1 });
    hold.release();
    expect((await first).status).toBe(403);
    expect((await second).status).toBe(403);
    expect(await loggedScans("dedupe.bin")).toHaveLength(1);
    expect(scansOf(worker, "dedupe.bin")).toHaveLength(1);
    expect(proxy.seen.filter((u) => u.includes("dedupe.bin"))).toHaveLength(1);
  });

  it("scans shared bytes once when two jobs made without a digest reach two workers at the same moment", async () => {
    await liveWorkers(2);
    const hold = proxy.hold(/twin-/);
    const revision = await hub.commitOf(FAULTS);
    const job = (path: string) => ({ repo: FAULTS, revision, path, policyDigest: policyDigestOf(undefined), origin: "crawl:twins" });
    const outcomes = Promise.all([queue.run(job("twin-a.bin"), 60_000), queue.run(job("twin-b.bin"), 60_000)]);
    // Both workers are in the middle of resolving (one job each) before either may go on.
    await hold.count(2);
    hold.release();
    const [first, second] = await outcomes;
    expect(first.verdictKey).toBe(second.verdictKey);
    expect([first.fromStore, second.fromStore].sort()).toEqual([false, true]);
    expect(await loggedScans(["twin-a.bin", "twin-b.bin"])).toHaveLength(1);
  });

  it("retries a transient upstream failure with backoff, and dead-letters a permanent one (404, digest mismatch) at once", async () => {
    await liveWorker();
    const policyDigest = policyDigestOf(undefined);
    const revision = await hub.commitOf(HUB_REPOS.clean);
    // Three 503s use up the resolver's own tries in the first attempt; BullMQ's second attempt succeeds.
    hub.failNext(503, 3, /README\.md/);
    const retried = await queue.run({ repo: HUB_REPOS.clean, revision, path: "README.md", policyDigest, origin: "gate" }, 30_000);
    expect(retried).toMatchObject({ verdict: "clean", allowed: true, fromStore: false });
    expect(await loggedScans("README.md")).toHaveLength(1);
    expect(workers.flatMap((w) => w.log).filter((l) => /README\.md attempt 1 failed: \[modelvet transient 502 UpstreamError\]/.test(l))).toHaveLength(1);

    const missing = queue.run({ repo: HUB_REPOS.clean, revision, path: "no-such-file.bin", policyDigest, origin: "gate" }, 30_000);
    await expect(missing).rejects.toMatchObject({ kind: "permanent", status: 404, code: "EntryNotFound" });
    const lying = queue.run({ repo: HUB_REPOS.clean, revision, path: "config.json", digest: `sha256:${"d".repeat(64)}`, policyDigest, origin: "gate" }, 30_000);
    await expect(lying).rejects.toMatchObject({ kind: "permanent", code: "DigestMismatch" });
    const dead = await queue.deadLetters(10);
    for (const path of ["no-such-file.bin", "config.json"]) expect(dead.find((d) => d.job.path === path)?.attempts).toBe(1);
  });

  it("gives the job of a worker killed with -9 mid-job to another worker: completed once, one verdict", async () => {
    await liveWorkers(2);
    const hold = proxy.hold(/killed\.bin/);
    const answer = pull(FAULTS, "killed.bin");
    await hold.arrived;
    await kill9(await holderOf("killed.bin"));
    hold.release();
    const response = await answer;
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelvet-verdict")).toBe("clean");
    expect(await loggedScans("killed.bin")).toHaveLength(1);
    const digest = `sha256:${await hub.oidOf(FAULTS, "killed.bin")}`;
    const verdicts = await store.verdictsByDigest(digest);
    expect(verdicts.map((v) => v.key)).toEqual([verdictKeyOf(digest, policyDigestOf(undefined), VERSION)]);
  });

  it("dead-letters a file that kills every worker taking it, with the reason, instead of a crash loop", async () => {
    await liveWorkers(3);
    const hold = proxy.hold(/poison\.pkl/);
    const answer = pull(FAULTS, "poison.pkl");
    // Each worker that takes the job dies on it (kill -9 stands in for an OOM kill or a native crash).
    for (let round = 1; round <= 2; round++) {
      await hold.arrived;
      hold.rearm();
      await kill9(await holderOf("poison.pkl"));
    }
    // The last worker's stalled check finds the job lost twice (more than --max-stalled 1): dead-lettered.
    const response = await answer;
    expect(response.status).toBe(502);
    expect(response.headers.get("x-error-code")).toBe("PoisonFile");
    const dead = await queue.deadLetters(10);
    const entry = dead.find((d) => d.job.path === "poison.pkl");
    expect(entry?.reason.code).toBe("PoisonFile");
    expect(entry?.reason.message).toMatch(/stalled more than allowable limit/);
    // Asked again, the gate answers from the dead-letter state: no worker takes the file again.
    const requestsBefore = proxy.seen.length;
    const again = await pull(FAULTS, "poison.pkl");
    expect(again.status).toBe(502);
    expect(again.headers.get("x-error-code")).toBe("PoisonFile");
    expect(proxy.seen.length).toBe(requestsBefore);
    hold.release();
  });

  it("answers 503 for pulls that need a scan while Redis is down, serves cached verdicts, and recovers by itself", async () => {
    await liveWorker();
    const cached = await pull(HUB_REPOS.clean, "model.safetensors");
    expect(cached.headers.get("x-modelvet-cache")).toBe("hit");
    await cached.arrayBuffer();

    await redis.stop();
    const during = await Promise.all([
      pull(HUB_REPOS.clean, "model.safetensors"),
      pull(HUB_REPOS.clean, "pytorch_model.bin"),
      pull(HUB_REPOS.evil, "extra/model.pkl"),
      pull(HUB_REPOS.clean, "pytorch_model.bin"),
      pull(HUB_REPOS.evil, "extra/model.pkl"),
    ]);
    const statuses = await Promise.all(during.map(async (r) => (await r.arrayBuffer(), r.status)));
    expect(statuses).toEqual([200, 503, 503, 503, 503]);
    expect(during[1]?.headers.get("retry-after")).toBe("5");
    expect(await (await fetch(`${gate}/metrics`)).text()).toMatch(/^modelvet_queue_up 0$/m);

    await redis.start();
    // Recovery is the gate's and the worker's own (ioredis reconnects); the test only waits for it.
    let recovered: Response | undefined;
    for (let attempt = 0; attempt < 100 && recovered === undefined; attempt++) {
      const response = await pull(HUB_REPOS.clean, "pytorch_model.bin");
      if (response.status !== 503) recovered = response;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered?.status).toBe(200);
    expect((await pull(HUB_REPOS.evil, "extra/model.pkl")).status).toBe(403);
  });

  it("stops on SIGTERM while its Redis is down, instead of hanging in BullMQ's close", async () => {
    // Its own Redis: stopping the shared one would disturb the other tests' workers. SIGTERM comes
    // right after Redis is gone, while the worker's connection may still look "ready": before the
    // PING in close(), 6 of 10 such workers never exited.
    const own = await startRedis();
    try {
      const worker = await startWorker(FAST_STALLS, own.url);
      await own.stop();
      worker.child.kill("SIGTERM");
      // Ended by itself (no signal), with success: nothing was running, nothing is lost.
      expect(await worker.exited).toBe(null);
      expect(worker.child.exitCode).toBe(0);
    } finally {
      await own.close();
    }
  }, 20_000);

  it("exits when its Redis goes away during a graceful close, with a job still running", async () => {
    // SIGTERM with Redis up waits for the running job; Redis then stops. The job can no longer
    // report to the queue (its lock lapses and another worker takes it once Redis is back), and its
    // download, held here, would keep the process alive without end.
    const own = await startRedis();
    const ownQueue = BullQueue.open({ url: own.url, toolVersion: VERSION });
    const hold = proxy.hold(/midclose\.bin/);
    try {
      expect(await ownQueue.ready()).toBe(true);
      const worker = await startWorker(FAST_STALLS, own.url);
      await ownQueue.enqueue([{ repo: FAULTS, revision: await hub.commitOf(FAULTS), path: "midclose.bin", policyDigest: policyDigestOf(undefined), origin: "crawl:midclose" }]);
      await hold.arrived;
      worker.child.kill("SIGTERM");
      // Graceful: Redis is up, so the worker waits for its job.
      await new Promise((r) => setTimeout(r, 500));
      expect(isAlive(worker)).toBe(true);
      await own.stop();
      expect(await worker.exited).toBe(null);
      expect(worker.child.exitCode).toBe(0);
      expect(worker.log.join("\n")).toMatch(/1 job unfinished/);
    } finally {
      hold.release();
      await ownQueue.close();
      await own.close();
    }
  }, 20_000);

  it("hands a crawl its Redis queue connected: the first enqueue does not find the connection still in its handshake", async () => {
    // Without the wait, enqueue right after open threw "unreachable (connection connect)": a
    // crawl on a loaded machine stopped at its first files.
    const { queue: crawlQueue } = await openCrawlQueue(redis.url, { upstream: hub.url, store, policy: policyContextOf(undefined, "default policy"), toolVersion: VERSION });
    try {
      expect(await crawlQueue.enqueue([])).toEqual({ queued: 0, joined: 0 });
    } finally {
      await crawlQueue.close();
    }
  });

  it("crawls a repo list into the queue: workers judge every file, even those an earlier job judged, and results are queryable by rule", async () => {
    await liveWorker();
    const run = await runCli(["crawl", "--repos", `${HUB_REPOS.evil},${HUB_REPOS.clean}`, "--upstream", hub.url, "--db", db, "--queue", redis.url, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const crawl = JSON.parse(run.stdout) as { id: string; status: string; reposListed: number };
    // With a queue the crawl ends once every job is queued; the workers judge them after.
    expect(crawl).toMatchObject({ status: "queued", reposListed: 2 });
    const files = async (repo: string) => (await store.filesByRepo(repo, 100)).filter((f) => f.crawlId === crawl.id);
    for (let i = 0; i < 300 && (await files(HUB_REPOS.evil)).length + (await files(HUB_REPOS.clean)).length < 7; i++) await new Promise((r) => setTimeout(r, 100));
    const evil = await files(HUB_REPOS.evil);
    expect(evil.map((f) => f.path).sort()).toEqual(["config.json", "extra/model.pkl", "pytorch_model.bin"]);
    expect(evil.find((f) => f.path === "pytorch_model.bin")?.rules).toContain("PKL001");
    expect((await files(HUB_REPOS.clean)).map((f) => f.verdict)).toEqual(["clean", "clean", "clean", "clean"]);
    const byRule = await store.filesByRule("PKL001", { org: "acme", limit: 100 });
    expect(byRule.filter((f) => f.crawlId === crawl.id).map((f) => f.path).sort()).toEqual(["extra/model.pkl", "pytorch_model.bin"]);
  });

  it("records a crawl's file whose job is dead-lettered as an error, so the crawl's results do not look complete", async () => {
    await liveWorker();
    // A file outside LFS has no digest in the listing, so a worker resolves it; that gets a 404
    // (permanent: dead-lettered at once). LFS files already judged are answered from the store.
    hub.failNext(404, 1, /resolve\/[^/]+\/config\.json/);
    const run = await runCli(["crawl", "--repos", HUB_REPOS.evil, "--upstream", hub.url, "--db", db, "--queue", redis.url, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const { id } = JSON.parse(run.stdout) as { id: string };
    const files = async () => (await store.filesByRepo(HUB_REPOS.evil, 100)).filter((f) => f.crawlId === id);
    for (let i = 0; i < 300 && (await files()).length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    const byPath = new Map((await files()).map((f) => [f.path, f.verdict]));
    expect(byPath.get("config.json")).toBe("error");
    expect(byPath.get("pytorch_model.bin")).toBe("unsafe");
    expect((await queue.deadLetters(50)).some((d) => d.job.path === "config.json" && d.job.origin === `crawl:${id}`)).toBe(true);
  });
});

interface Hold {
  /** Resolves when a matching request arrives (and is held). */
  arrived: Promise<void>;
  /** Resolves once `n` matching requests are held. */
  count(n: number): Promise<void>;
  /** Waits for the next matching request again. */
  rearm(): void;
  /** Lets held and later matching requests through. */
  release(): void;
}

interface HoldingProxy {
  url: string;
  /** URLs of every request forwarded or held. */
  seen: string[];
  hold(match: RegExp): Hold;
  close(): Promise<void>;
}

/** A proxy in front of the hub stand-in that holds matching requests until released: a worker "mid-job", deterministically. */
async function startHoldingProxy(upstream: string): Promise<HoldingProxy> {
  const target = new URL(upstream);
  const holds: { match: RegExp; held: (() => void)[]; released: boolean; notify: () => void; counted: () => void }[] = [];
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on("error", () => res.destroy());
    req.pipe(out);
  };
  const server: TestServer = await listen((req, res) => {
    seen.push(req.url ?? "");
    const hold = holds.find((h) => !h.released && h.match.test(req.url ?? ""));
    if (!hold) return forward(req, res);
    hold.held.push(() => forward(req, res));
    hold.notify();
    hold.counted();
  });
  const seen: string[] = [];
  return {
    url: server.url,
    seen,
    hold(match) {
      const entry = { match, held: [] as (() => void)[], released: false, notify: () => undefined as void, counted: () => undefined as void };
      const arm = (): Promise<void> => new Promise<void>((resolve) => (entry.notify = resolve));
      const hold: Hold = {
        arrived: arm(),
        rearm() {
          hold.arrived = arm();
        },
        count(n) {
          return new Promise<void>((resolve) => {
            entry.counted = () => {
              if (entry.held.length >= n) resolve();
            };
            entry.counted();
          });
        },
        release() {
          entry.released = true;
          for (const go of entry.held.splice(0)) go();
        },
      };
      holds.push(entry);
      return hold;
    },
    close: () => server.close(),
  };
}
