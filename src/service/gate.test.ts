import { downloadFile, listFiles } from "@huggingface/hub";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { get } from "node:http";
import { connect } from "node:net";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HUB_REPOS, makeHubFolder } from "../test-support/hub-fixtures.js";
import { startHubStandin, type HubStandin } from "../test-support/hub-standin.js";
import { buildSafetensors } from "../test-support/safetensors-builder.js";
import { buildGate, parseResolveUrl } from "./app.js";
import { SqliteStore } from "./store.js";
import { StoreUnavailableError } from "./store-errors.js";
import { createToken } from "./tokens.js";

const run = promisify(execFile);
const HAVE_CURL = await run("curl", ["--version"]).then(() => true, () => false);
if (!HAVE_CURL) console.warn("Skipping the gate's curl tests: curl is not installed (apt-get install -y curl).");
const REPO_ROOT = new URL("../../", import.meta.url).pathname;
const UPSTREAM_TOKEN = "hf_gate_own_upstream_secret";
/** An LFS file whose hub-reported sha256 is not its content's: the gate must cut the download. */
const LIAR = "acme/liar-model";
/**
 * A clean LFS file larger than every buffer between the CDN and a client: here a loopback socket
 * takes up to 32 MiB, so the 64 MiB first tried arrived whole in buffers. 128 MiB, sparse on disk.
 */
const BIG = "acme/big-model";
const BIG_FLOATS = 32 * 1024 * 1024;

let hub: HubStandin;
let folder: ReturnType<typeof makeHubFolder>;
let dbDir: string;
let store: SqliteStore;
let app: FastifyInstance;
let gate: string;
const tokens = { all: "", pull: "", scanOnly: "", lenient: "" };

beforeAll(async () => {
  folder = makeHubFolder();
  mkdirSync(join(folder.root, LIAR), { recursive: true });
  copyFileSync(join(REPO_ROOT, "fixtures/safetensors/benign/torch_state_dict.safetensors"), join(folder.root, LIAR, "model.safetensors"));
  mkdirSync(join(folder.root, BIG), { recursive: true });
  const header = buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [BIG_FLOATS] }], dataBytes: 0 });
  writeFileSync(join(folder.root, BIG, "model.safetensors"), header);
  truncateSync(join(folder.root, BIG, "model.safetensors"), header.length + 4 * BIG_FLOATS);
  hub = await startHubStandin({
    root: folder.root,
    gated: { [HUB_REPOS.gated]: UPSTREAM_TOKEN },
    // BIG's download is never completed, so its sha256 is never checked: not hashing 128 MiB saves the suite ~0.5 s.
    lfsOid: (repo) => (repo === LIAR ? "c".repeat(64) : repo === BIG ? "b".repeat(64) : undefined),
  });
  dbDir = mkdtempSync(join(tmpdir(), "modelvet-gate-test-"));
  store = SqliteStore.open(join(dbDir, "gate.db"));
  tokens.all = (await createToken(store, { name: "alice", scopes: ["pull", "scan", "admin"] })).token;
  tokens.pull = (await createToken(store, { name: "ci-pull", scopes: ["pull"] })).token;
  tokens.scanOnly = (await createToken(store, { name: "scanner", scopes: ["scan"] })).token;
  tokens.lenient = (await createToken(store, { name: "lenient", scopes: ["pull"], policy: '{"version": 1, "rules": {"PKL001": "low"}}' })).token;
  app = await buildGate({ upstream: hub.url, upstreamToken: UPSTREAM_TOKEN, store, toolVersion: "test", limits: { maxUploadBytes: 64 * 1024 } });
  gate = await app.listen({ port: 0, host: "127.0.0.1" });
});

afterAll(async () => {
  await app.close();
  await store.close();
  await hub.close();
  folder.cleanup();
  rmSync(dbDir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const fixture = (repo: string, path: string) => new Uint8Array(readFileSync(join(folder.root, repo, path)));

/** curl with -sS, headers on stdout (-i), and the exit code instead of a throw. */
async function curl(args: string[]): Promise<{ code: number; status: number; headers: Record<string, string>; body: string }> {
  const result = await run("curl", ["-sS", "-i", "--max-time", "20", ...args], { encoding: "latin1", maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout ?? "" }),
  );
  const split = result.stdout.indexOf("\r\n\r\n");
  const head = split >= 0 ? result.stdout.slice(0, split) : result.stdout;
  const lines = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { code: result.code, status: Number(lines[0]?.split(" ")[1] ?? 0), headers, body: split >= 0 ? result.stdout.slice(split + 4) : "" };
}

const auth = (token: string) => ["-H", `Authorization: Bearer ${token}`];

describe("the gate with the @huggingface/hub client (hubUrl = the gate)", () => {
  it("downloads a clean LFS file byte for byte and lists the repo through the metadata passthrough", async () => {
    const blob = await downloadFile({ repo: HUB_REPOS.clean, path: "model.safetensors", hubUrl: gate, accessToken: tokens.pull });
    expect(new Uint8Array(await blob!.arrayBuffer())).toEqual(fixture(HUB_REPOS.clean, "model.safetensors"));
    const small = await downloadFile({ repo: HUB_REPOS.clean, path: "config.json", hubUrl: gate, accessToken: tokens.pull });
    expect(await small!.text()).toContain("bert");
    const paths: string[] = [];
    for await (const f of listFiles({ repo: HUB_REPOS.clean, hubUrl: gate, accessToken: tokens.pull, recursive: true })) paths.push(f.path);
    expect(paths.sort()).toEqual(["README.md", "config.json", "model.safetensors", "pytorch_model.bin"]);
  });

  it("refuses a malicious checkpoint with the verdict and the rule in the client's error", async () => {
    const error = await downloadFile({ repo: HUB_REPOS.evil, path: "pytorch_model.bin", hubUrl: gate, accessToken: tokens.pull }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/modelvet blocked acme\/evil-model\/pytorch_model\.bin: verdict unsafe \(.*PKL001.*\)/);
  });

  it("never forwards a client token upstream: the hub sees the gate's own credential, the CDN none", async () => {
    const seen = hub.requests.filter((r) => r.authorization !== undefined && r.authorization !== `Bearer ${UPSTREAM_TOKEN}`);
    expect(seen).toEqual([]);
    expect(hub.requests.filter((r) => r.origin === "cdn" && r.authorization !== undefined)).toEqual([]);
    expect(hub.requests.some((r) => r.origin === "hub" && r.authorization === `Bearer ${UPSTREAM_TOKEN}`)).toBe(true);
  });
});

describe("a client that goes away", () => {
  it("mid-download: the gate closes its download from the CDN at once, not after upstreamTimeoutMillis", async () => {
    const url = `${gate}/${BIG}/resolve/main/model.safetensors`;
    const headers = { Authorization: `Bearer ${tokens.pull}` };
    // Vetted first (HEAD vets), so that only downloads move the count below.
    expect((await fetch(url, { method: "HEAD", headers })).status).toBe(200);
    const cutBefore = hub.cut.cdn;
    // The near miss: a download read to the end leaves nothing cut.
    const whole = await fetch(`${gate}/${HUB_REPOS.clean}/resolve/main/model.safetensors`, { headers });
    expect(whole.status).toBe(200);
    expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(sha256(fixture(HUB_REPOS.clean, "model.safetensors")));
    expect(hub.cut.cdn).toBe(cutBefore);

    // The client reads the first bytes, then closes its connection.
    const status = await new Promise<number>((resolve, reject) => {
      const request = get(url, { headers }, (response) => {
        response.once("data", () => {
          request.destroy();
          resolve(response.statusCode ?? 0);
        });
      });
      request.on("error", reject);
    });
    expect(status).toBe(200);
    // Before, the upstream response was only unpiped: it stayed open, paused, for the gate's
    // 30 s upstream timeout, and a client could hold the gate's upstream connections that way.
    await vi.waitFor(() => expect(hub.cut.cdn).toBe(cutBefore + 1), { timeout: 5_000, interval: 50 });
  });
});

describe.skipIf(!HAVE_CURL)("the gate with curl", () => {
  it("answers 403 for a blocked file, with X-Error-Message naming verdict and rules, on GET and HEAD", async () => {
    const get = await curl([...auth(tokens.pull), `${gate}/${HUB_REPOS.evil}/resolve/main/extra/model.pkl`]);
    expect(get.status).toBe(403);
    expect(get.headers["x-error-code"]).toBe("ModelvetBlocked");
    expect(get.headers["x-error-message"]).toMatch(/verdict unsafe \(PKL001/);
    const body = JSON.parse(get.body) as { verdict: string; rules: string[]; report: string };
    expect(body.verdict).toBe("unsafe");
    expect(body.rules).toContain("PKL001");
    const head = await curl(["-I", ...auth(tokens.pull), `${gate}/${HUB_REPOS.evil}/resolve/main/extra/model.pkl`]);
    expect(head.status).toBe(403);
    expect(head.headers["x-modelvet-cache"]).toBe("hit");
  });

  it("answers HEAD on an allowed LFS file with the headers huggingface_hub reads, and serves ranges", async () => {
    const bytes = fixture(HUB_REPOS.clean, "pytorch_model.bin");
    const head = await curl(["-I", ...auth(tokens.pull), `${gate}/${HUB_REPOS.clean}/resolve/main/pytorch_model.bin`]);
    expect(head.status).toBe(200);
    expect(head.headers["x-linked-etag"]).toBe(`"${sha256(bytes)}"`);
    expect(head.headers.etag).toBe(`"${sha256(bytes)}"`);
    expect(head.headers["x-linked-size"]).toBe(String(bytes.length));
    expect(head.headers["content-length"]).toBe(String(bytes.length));
    expect(head.headers["x-repo-commit"]).toBe(await hub.commitOf(HUB_REPOS.clean));
    const part = await curl([...auth(tokens.pull), "-H", "Range: bytes=2-5", `${gate}/${HUB_REPOS.clean}/resolve/main/pytorch_model.bin`]);
    expect(part.status).toBe(206);
    expect(part.headers["content-range"]).toBe(`bytes 2-5/${bytes.length}`);
    expect(Buffer.from(part.body, "latin1")).toEqual(Buffer.from(bytes.subarray(2, 6)));
  });

  it("cuts a download whose bytes are not the sha256 that was vetted", async () => {
    const result = await curl([...auth(tokens.pull), `${gate}/${LIAR}/resolve/main/model.safetensors`]);
    // A small file fails before the headers go out (502); a large one has its connection cut.
    expect(result.code !== 0 || result.status === 502).toBe(true);
    expect(result.body).not.toContain("F32");
    if (result.status === 502) expect(JSON.parse(result.body).error).toMatch(/differ from the vetted c{64}; download cut/);
  });

  it("refuses bad input with a 4xx and a clear message", async () => {
    const cases: [string, number, RegExp][] = [
      [`/acme/../resolve/main/x.bin`, 400, /Invalid repo id/],
      [`/${HUB_REPOS.clean}/resolve/main/a/../../x.bin`, 400, /"\.\." segments/],
      [`/${HUB_REPOS.clean}/resolve/main/evil%0d%0aX-Injected:%201.bin`, 400, /control characters/],
      [`/${HUB_REPOS.clean}/resolve/main/%E0%A4%A.bin`, 400, /Malformed percent-encoding|Bad Request|malformed/i],
      [`/${HUB_REPOS.clean}/resolve/no-such-rev/config.json`, 404, /Invalid rev id/],
      [`/${HUB_REPOS.clean}/resolve/main/missing.bin`, 404, /does not exist/],
      [`/acme/resolve`, 404, /No route/],
    ];
    for (const [path, status, message] of cases) {
      const before = hub.requests.length;
      const r = await curl(["--path-as-is", ...auth(tokens.pull), `${gate}${path}`]);
      expect(r.status, path).toBe(status);
      // A malformed request is refused at the door: the upstream never hears of it.
      if (status === 400) expect(hub.requests.length, path).toBe(before);
      expect(r.headers["x-injected"], path).toBeUndefined();
      expect(JSON.parse(r.body).error, path).toMatch(message);
    }
    const missing = await curl([`${gate}/${HUB_REPOS.clean}/resolve/main/config.json`]);
    expect(missing.status).toBe(401);
    const wrongScope = await curl([...auth(tokens.pull), "-X", "POST", "-H", "Content-Type: application/octet-stream", "--data-binary", "x", `${gate}/v1/scan`]);
    expect(wrongScope.status).toBe(403);
    const tooBig = await curl([...auth(tokens.scanOnly), "-H", "Content-Type: application/octet-stream", "--data-binary", `@${join(REPO_ROOT, "package-lock.json")}`, `${gate}/v1/scan`]);
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body).error).toMatch(/limit maxUploadBytes/);
  });

  it("fails closed with 502 when the upstream fails", async () => {
    hub.failNext(503, 3, /config\.json/);
    const r = await curl([...auth(tokens.pull), `${gate}/${HUB_REPOS.evil}/resolve/main/config.json`]);
    expect(r.status).toBe(502);
    expect(r.body).not.toContain("bert");
  });

  it("reads a gated repo with the gate's own upstream credential, not the client's", async () => {
    const r = await curl(["-I", ...auth(tokens.pull), `${gate}/${HUB_REPOS.gated}/resolve/main/model.safetensors`]);
    expect(r.status).toBe(200);
  });
});

// Concurrent: each case waits out a bound of its own.
describe.concurrent("a client's time on the gate is bounded (requestHeadMillis, clientIdleMillis, requestMillis)", () => {
  // Apart enough that each bound is what closes its case (Node checks the head's every 150 ms here).
  const bounds = { requestHeadMillis: 300, clientIdleMillis: 800, requestMillis: 2_000 };
  let bounded: FastifyInstance;
  let port = 0;
  beforeAll(async () => {
    bounded = await buildGate({ upstream: hub.url, upstreamToken: UPSTREAM_TOKEN, store, toolVersion: "test", limits: bounds });
    port = Number(new URL(await bounded.listen({ port: 0, host: "127.0.0.1" })).port);
  });
  afterAll(() => bounded.close());

  /** A raw connection that writes `chunks`, each after its delay; what came back, and when it closed. */
  async function client(chunks: [number, string][]): Promise<{ received: string; closedAfter: number }> {
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const started = Date.now();
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.on("error", () => undefined);
    const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(Date.now() - started)));
    void (async () => {
      for (const [delay, text] of chunks) {
        await new Promise((r) => setTimeout(r, delay));
        if (socket.destroyed) return;
        socket.write(text);
      }
    })();
    const closedAfter = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(Infinity), 5_000))]);
    socket.destroy();
    return { received, closedAfter };
  }
  const upload = (length: number) => `POST /v1/scan?name=x.bin HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer ${tokens.all}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;

  it("closes a connection that sends nothing, and one whose request head does not arrive in time", async ({ expect }) => {
    // Node's own head bound starts at a request's first byte: a silent connection was kept forever.
    const [silent, slowloris, prompt] = await Promise.all([
      client([]),
      client([[0, "GET /healthz HTTP/1.1\r\nHost: gate\r\n"], [1_000, "\r\n"]]),
      // The near miss: a request head that comes 200 ms after the connection is answered.
      client([[200, "GET /healthz HTTP/1.1\r\nHost: gate\r\nConnection: close\r\n\r\n"]]),
    ]);
    expect(silent.received).toBe("");
    // By its own bound, not by the idle one (which would close it too, later).
    expect(silent.closedAfter).toBeGreaterThanOrEqual(bounds.requestHeadMillis - 50);
    expect(silent.closedAfter).toBeLessThan(bounds.clientIdleMillis - 100);
    expect(slowloris.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(slowloris.closedAfter).toBeLessThan(1_000);
    expect(prompt.received).toMatch(/^HTTP\/1\.1 200 /);
  });

  it("closes an upload that stalls, and keeps one that trickles on", async ({ expect }) => {
    const [stalled, trickling] = await Promise.all([
      client([[0, upload(10) + "abc"]]),
      // The near miss: a byte every 100 ms for 1 s, longer than the idle bound: scanned and answered.
      client([[0, upload(10)], ...Array.from({ length: 10 }, (): [number, string] => [100, "a"])]),
    ]);
    expect(stalled.received).toBe("");
    expect(stalled.closedAfter).toBeGreaterThanOrEqual(bounds.clientIdleMillis - 50);
    expect(stalled.closedAfter).toBeLessThan(bounds.requestMillis - 500);
    expect(trickling.received).toMatch(/^HTTP\/1\.1 200 /);
    const report = JSON.parse(trickling.received.slice(trickling.received.indexOf("\r\n\r\n") + 4)) as { files: { path: string; size: number }[] };
    expect(report.files[0]).toMatchObject({ path: "x.bin", size: 10 });
  });

  it("closes at once with a connection open that has sent nothing", async ({ expect }) => {
    // Node's close() ends connections between two requests only: app.close() waited on this one
    // (here for the 60 s of the default requestHeadMillis).
    const closing = await buildGate({ upstream: hub.url, store, toolVersion: "test" });
    const address = new URL(await closing.listen({ port: 0, host: "127.0.0.1" }));
    const silent = connect(Number(address.port), "127.0.0.1");
    silent.on("error", () => undefined);
    await new Promise<void>((resolve) => silent.once("connect", resolve));
    const silentClosed = new Promise<boolean>((resolve) => silent.once("close", () => resolve(true)));
    const started = Date.now();
    await closing.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await silentClosed).toBe(true);
  });

  it("answers 408 to an upload still arriving after requestMillis", async ({ expect }) => {
    const endless = await client([[0, upload(100)], ...Array.from({ length: 50 }, (): [number, string] => [100, "a"])]);
    expect(endless.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(endless.closedAfter).toBeGreaterThanOrEqual(bounds.requestMillis - 50);
    expect(endless.closedAfter).toBeLessThan(bounds.requestMillis + 1_000);
  });
});

describe("files outside LFS held at once (maxInlineBytesInFlight)", () => {
  // A pull reads such a file whole and holds it until its answer is out: a client that never
  // reads its answer held it for as long, and enough of them held any amount of memory.
  const REPO = "acme/inline-model";
  // More than the socket buffers between the gate and a client that does not read (a few MiB).
  const BIG_INLINE = 24 * 1024 * 1024;
  // Sent without a Content-Length: its pull takes the most a file may have (BIG_INLINE) first.
  const CHUNKED_INLINE = BIG_INLINE - 1024 * 1024;
  let inlineHub: HubStandin;
  let inlineGate: FastifyInstance;
  let url = "";
  let root = "";
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "modelvet-gate-inline-"));
    mkdirSync(join(root, REPO), { recursive: true });
    writeFileSync(join(root, REPO, "big.txt"), "");
    truncateSync(join(root, REPO, "big.txt"), BIG_INLINE);
    writeFileSync(join(root, REPO, "chunked.txt"), "");
    truncateSync(join(root, REPO, "chunked.txt"), CHUNKED_INLINE);
    // One byte past maxInlineFileBytes, declared and not.
    for (const over of ["over.txt", "over-chunked.txt"]) {
      writeFileSync(join(root, REPO, over), "");
      truncateSync(join(root, REPO, over), BIG_INLINE + 1);
    }
    writeFileSync(join(root, REPO, "config.json"), JSON.stringify({ model_type: "bert", hidden_size: 768 }));
    inlineHub = await startHubStandin({ root, isLfs: () => false, withoutLength: (path) => path === "chunked.txt" || path === "over-chunked.txt" });
    inlineGate = await buildGate({ upstream: inlineHub.url, store, toolVersion: "test", anonymousScopes: ["pull"], limits: { maxInlineFileBytes: BIG_INLINE, maxInlineBytesInFlight: BIG_INLINE + 16 } });
    url = await inlineGate.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await inlineGate.close();
    await inlineHub.close();
    rmSync(root, { recursive: true, force: true });
  });
  const inFlight = async () => Number(/^modelvet_gate_inline_bytes_in_flight (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
  /** A client that asks for `path` and never reads the answer. */
  const neverReads = (path: string) => {
    const socket = connect(Number(new URL(url).port), "127.0.0.1");
    socket.on("error", () => undefined);
    socket.pause();
    socket.write(`GET /${REPO}/resolve/main/${path} HTTP/1.1\r\nHost: gate\r\n\r\n`);
    return socket;
  };
  const configServed = async () => {
    const served = await fetch(`${url}/${REPO}/resolve/main/config.json`);
    expect(served.status).toBe(200);
    expect(await served.text()).toContain("bert");
  };

  it("answers 503 with Retry-After past the sum, and serves again once the bytes are given back", async () => {
    const stuck = neverReads("big.txt");
    await vi.waitFor(async () => expect(await inFlight()).toBe(BIG_INLINE), { timeout: 5_000, interval: 50 });
    const busy = await fetch(`${url}/${REPO}/resolve/main/config.json`);
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("5");
    expect(((await busy.json()) as { error: string }).error).toMatch(/exceed 25165840 bytes \(limit maxInlineBytesInFlight\); retry shortly/);
    // The near miss: the same pull once that client is gone.
    stuck.destroy();
    await vi.waitFor(async () => expect(await inFlight()).toBe(0), { timeout: 5_000, interval: 50 });
    await configServed();
    expect(await inFlight()).toBe(0);
  });

  it("refuses a file sent without a Content-Length once it passes maxInlineFileBytes", async () => {
    const over = await fetch(`${url}/${REPO}/resolve/main/over-chunked.txt`);
    expect(over.status).toBe(502);
    expect(((await over.json()) as { error: string }).error).toBe(`Cannot vet over-chunked.txt: a file outside LFS exceeds ${BIG_INLINE} bytes (limit maxInlineFileBytes); not served`);
    await vi.waitFor(async () => expect(await inFlight()).toBe(0), { timeout: 5_000, interval: 50 });
  });

  it("holds a file sent without a Content-Length at its size once read, not at the most a file may have", async () => {
    const stuck = neverReads("chunked.txt");
    // It took BIG_INLINE before reading, and gave back what the file did not need.
    await vi.waitFor(async () => expect(await inFlight()).toBe(CHUNKED_INLINE), { timeout: 5_000, interval: 50 });
    // So a small file still fits beside it (with the room held at BIG_INLINE it would get 503).
    await configServed();
    // A file that declares more than maxInlineFileBytes is refused as too large before it takes
    // any room: 502, not the 503 of a gate that is busy.
    const over = await fetch(`${url}/${REPO}/resolve/main/over.txt`);
    expect(over.status).toBe(502);
    expect(((await over.json()) as { error: string }).error).toBe(`Cannot vet over.txt: a file outside LFS of ${BIG_INLINE + 1} bytes exceeds ${BIG_INLINE} bytes (limit maxInlineFileBytes); not served`);
    stuck.destroy();
    await vi.waitFor(async () => expect(await inFlight()).toBe(0), { timeout: 5_000, interval: 50 });
  });
});

describe("the scan API under load (maxScanRequests, each caller's share) and clients that leave", () => {
  const MANY = "acme/many-files";
  const FILES = 12;
  const file = buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [4] }] });
  // Requests the stand-in holds until released: the listing of MANY (a scan kept running), or
  // the files of MANY (a scan mid-way); or, with "ticks", lets one file of MANY through per tick
  // (a slow repo whose files come in one by one).
  let holding: "listing" | "files" | "ticks" | undefined;
  const waiting: (() => void)[] = [];
  let release = (): void => undefined;
  let held = Promise.resolve();
  let scanHub: HubStandin;
  let scanGate: FastifyInstance;
  let url = "";
  beforeAll(async () => {
    scanHub = await startHubStandin({
      memory: new Map([[MANY, new Map(Array.from({ length: FILES }, (_, i): [string, Uint8Array] => [`part-${i}.safetensors`, file]))]]),
      hold: (path) => {
        if (holding === "listing" && path.startsWith(`/api/models/${MANY}/tree/`)) return held;
        if (holding === "files" && path.startsWith(`/${MANY}/resolve/`)) return held;
        if (holding === "ticks" && path.startsWith(`/${MANY}/resolve/`)) return new Promise<void>((resolve) => waiting.push(resolve));
        return undefined;
      },
    });
    scanGate = await buildGate({ upstream: scanHub.url, store, toolVersion: "test", anonymousScopes: ["scan"], limits: { maxScanRequests: 2, maxScanRequestsPerCaller: 1 } });
    url = await scanGate.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    release();
    await scanGate.close();
    await scanHub.close();
  });
  const hold = (what: "listing" | "files"): void => {
    holding = what;
    held = new Promise<void>((resolve) => (release = () => ((holding = undefined), resolve())));
  };
  const remote = (signal?: AbortSignal, token?: string) =>
    fetch(`${url}/v1/scan/remote`, { method: "POST", body: JSON.stringify({ ref: `hf://${MANY}` }), headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) }, signal });
  const upload = (token?: string) => fetch(`${url}/v1/scan?name=x.bin`, { method: "POST", body: new Uint8Array(8), headers: { "Content-Type": "application/octet-stream", ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  const fileRequests = () => scanHub.requests.filter((r) => r.origin === "hub" && r.url.startsWith(`/${MANY}/resolve/`)).length;
  const listings = () => scanHub.requests.filter((r) => r.url.startsWith(`/api/models/${MANY}/tree/`)).length;
  const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error;

  it("answers 429 to a caller past its share, 503 past maxScanRequests, and scans again once they end", async () => {
    hold("listing");
    const before = listings();
    // An address without a token takes its one share.
    const first = remote();
    await vi.waitFor(() => expect(listings()).toBe(before + 1), { timeout: 5_000, interval: 20 });
    const overShare = await upload();
    expect(overShare.status).toBe(429);
    expect(overShare.headers.get("retry-after")).toBe("5");
    expect(await errorOf(overShare)).toMatch(/^This address already runs 1 scan request\(s\), its share \(limit maxScanRequestsPerCaller\); retry when one has ended$/);
    // The near miss: another caller still has room, and takes the gate's last.
    const second = remote(undefined, tokens.scanOnly);
    await vi.waitFor(() => expect(listings()).toBe(before + 2), { timeout: 5_000, interval: 20 });
    const busy = await upload(tokens.all);
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("5");
    expect(await errorOf(busy)).toMatch(/2 scan request\(s\) are running \(limit maxScanRequests\); retry shortly/);
    const tokenOverShare = await upload(tokens.scanOnly);
    expect(tokenOverShare.status).toBe(429);
    expect(await errorOf(tokenOverShare)).toMatch(/^Token scanner already runs 1 scan request\(s\), its share/);
    release();
    for (const done of [await first, await second]) {
      expect(done.status).toBe(200);
      expect(((await done.json()) as { files: unknown[] }).files).toHaveLength(FILES);
    }
    // The near miss: the same uploads once the scans have ended.
    expect((await upload()).status).toBe(200);
    expect((await upload(tokens.scanOnly)).status).toBe(200);
  });

  it("starts no more files of a remote scan once its client has gone", async () => {
    hold("files");
    const before = fileRequests();
    const controller = new AbortController();
    const scan = remote(controller.signal).catch(() => "aborted");
    // The scan's first files (four at once) are held mid-way; then the client leaves.
    await vi.waitFor(() => expect(fileRequests()).toBeGreaterThan(before), { timeout: 5_000, interval: 20 });
    controller.abort();
    expect(await scan).toBe("aborted");
    await new Promise((r) => setTimeout(r, 100));
    release();
    // The held files end; before, the other eight were then read and scanned for nobody.
    await new Promise((r) => setTimeout(r, 300));
    expect(fileRequests() - before).toBeLessThanOrEqual(4);
    expect(fileRequests() - before).toBeGreaterThan(0);
    // And its room in maxScanRequests, and in its caller's share, is given back.
    expect((await upload()).status).toBe(200);
  });

  it("streams a remote scan as NDJSON, a line per file, so a repo slower than clientIdleMillis is not cut (the JSON answer is)", async () => {
    const idleGate = await buildGate({ upstream: scanHub.url, store, toolVersion: "test", anonymousScopes: ["scan"], limits: { clientIdleMillis: 400 } });
    const idleUrl = await idleGate.listen({ port: 0, host: "127.0.0.1" });
    holding = "ticks";
    // Two files through every 100 ms: twelve take ~0.6 s, longer than the 400 ms bound, each gap
    // well under it.
    const ticker = setInterval(() => waiting.splice(0, 2).forEach((resolve) => resolve()), 100);
    try {
      const ask = (format: string) => fetch(`${idleUrl}/v1/scan/remote?format=${format}`, { method: "POST", body: JSON.stringify({ ref: `hf://${MANY}` }), headers: { "Content-Type": "application/json" } });
      const started = Date.now();
      const streamed = await ask("ndjson");
      expect(streamed.status).toBe(200);
      expect(streamed.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
      const lines = (await streamed.text()).trimEnd().split("\n").map((l) => JSON.parse(l) as { type: string; file?: { path: string; verdict: string }; summary?: { files: number; clean: number } });
      expect(Date.now() - started).toBeGreaterThan(500);
      expect(lines.filter((l) => l.type === "file").map((l) => l.file?.verdict)).toEqual(Array(FILES).fill("clean"));
      expect(new Set(lines.map((l) => l.file?.path).filter(Boolean)).size).toBe(FILES);
      expect(lines.at(-1)).toMatchObject({ type: "summary", schemaVersion: 1, tool: { name: "modelvet" }, summary: { files: FILES, clean: FILES } });
      // The same scan answered as one JSON document sends nothing until the end: it is cut.
      await expect(ask("json").then((r) => r.text())).rejects.toThrow();
    } finally {
      clearInterval(ticker);
      holding = undefined;
      for (const resolve of waiting.splice(0)) resolve();
      await idleGate.close();
    }
  });

  it("ends the stream with an error line and no summary when a verdict cannot be logged; the JSON answer is 503", async () => {
    // The audit log goes down after the third file: no later verdict may go out unlogged.
    let logged = 0;
    const failing = new Proxy(store, {
      get(target, key, receiver) {
        if (key === "appendAudit") {
          return async (entry: Parameters<SqliteStore["appendAudit"]>[0]) => {
            if (++logged > 3) throw new StoreUnavailableError("the audit log is down (test)", undefined);
            return target.appendAudit(entry);
          };
        }
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const downGate = await buildGate({ upstream: scanHub.url, store: failing, toolVersion: "test", anonymousScopes: ["scan"] });
    const downUrl = await downGate.listen({ port: 0, host: "127.0.0.1" });
    try {
      const ask = (format: string) => fetch(`${downUrl}/v1/scan/remote?format=${format}`, { method: "POST", body: JSON.stringify({ ref: `hf://${MANY}` }), headers: { "Content-Type": "application/json" } });
      const before = fileRequests();
      const streamed = await ask("ndjson");
      expect(streamed.status).toBe(200);
      const lines = (await streamed.text()).trimEnd().split("\n").map((l) => JSON.parse(l) as { type: string; error?: string });
      expect(lines.filter((l) => l.type === "file")).toHaveLength(3);
      // And the scan stopped there: no file was started after the failure (four run at once).
      expect(fileRequests() - before).toBeLessThanOrEqual(8);
      expect(lines.some((l) => l.type === "summary")).toBe(false);
      expect(lines.at(-1)).toEqual({ type: "error", error: "The scan stopped: the audit log is down (test); this report is incomplete" });
      logged = 0;
      const whole = await ask("json");
      expect(whole.status).toBe(503);
      expect(whole.headers.get("x-error-code")).toBe("StoreUnavailable");
    } finally {
      await downGate.close();
    }
  });

  it("answers a listing that fails with its error status, not with a stream", async () => {
    const missing = await fetch(`${url}/v1/scan/remote?format=ndjson`, { method: "POST", body: JSON.stringify({ ref: "hf://acme/no-such-repo" }), headers: { "Content-Type": "application/json" } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

describe("verdict cache, single flight, scan API, audit", () => {
  it("scans a file once for concurrent requests, then answers from the cache", async () => {
    const before = await metric("modelvet_gate_scans_total");
    const url = `${gate}/${HUB_REPOS.clean}/resolve/main/README.md`;
    const results = await Promise.all(Array.from({ length: 6 }, () => fetch(url, { headers: { Authorization: `Bearer ${tokens.pull}` } })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await metric("modelvet_gate_scans_total")) - before).toBe(1);
    const again = await fetch(url, { headers: { Authorization: `Bearer ${tokens.pull}` } });
    expect(again.headers.get("x-modelvet-cache")).toBe("hit");
  });

  it("scans uploaded bytes, answers JSON and SARIF, and looks the verdict up by sha256", async () => {
    const bytes = new Uint8Array(readFileSync(join(REPO_ROOT, "samples/suspicious_model.bin")));
    const r = await fetch(`${gate}/v1/scan?name=model.bin`, { method: "POST", body: bytes, headers: { Authorization: `Bearer ${tokens.scanOnly}`, "Content-Type": "application/octet-stream" } });
    expect(r.status).toBe(200);
    const report = (await r.json()) as { schemaVersion: number; files: { verdict: string; findings: { ruleId: string }[] }[] };
    expect(report.schemaVersion).toBe(1);
    expect(report.files[0]?.verdict).toBe("unsafe");
    expect(report.files[0]?.findings.map((f) => f.ruleId)).toContain("PKL001");
    const sarif = await fetch(`${gate}/v1/scan?format=sarif`, { method: "POST", body: bytes, headers: { Authorization: `Bearer ${tokens.scanOnly}`, "Content-Type": "application/octet-stream" } });
    expect(((await sarif.json()) as { version: string }).version).toBe("2.1.0");
    const lookup = await fetch(`${gate}/v1/verdicts/${sha256(bytes)}`, { headers: { Authorization: `Bearer ${tokens.scanOnly}` } });
    expect(((await lookup.json()) as { verdict: string }).verdict).toBe("unsafe");
    expect((await fetch(`${gate}/v1/verdicts/${"0".repeat(64)}`, { headers: { Authorization: `Bearer ${tokens.scanOnly}` } })).status).toBe(404);
  });

  it("scans an hf:// reference through the upstream and refuses URLs of other origins (SSRF)", async () => {
    const post = (body: unknown) => fetch(`${gate}/v1/scan/remote`, { method: "POST", body: JSON.stringify(body), headers: { Authorization: `Bearer ${tokens.scanOnly}`, "Content-Type": "application/json" } });
    const ref = await post({ ref: `hf://${HUB_REPOS.evil}/extra/model.pkl` });
    const report = (await ref.json()) as { files: { verdict: string; bytesFetched: number }[] };
    expect(report.files[0]?.verdict).toBe("unsafe");
    expect(report.files[0]?.bytesFetched).toBeGreaterThan(0);
    const ssrf = await post({ url: "http://169.254.169.254/latest/meta-data" });
    expect(ssrf.status).toBe(400);
    expect(((await ssrf.json()) as { error: string }).error).toMatch(/not allowed/);
  });

  it("logs every decision with who, what and the rules", async () => {
    const entries = await store.recentAudit(500);
    const block = entries.find((e) => e.decision === "block" && e.path === "pytorch_model.bin");
    expect(block).toMatchObject({ actor: "ci-pull", repo: HUB_REPOS.evil, revision: "main", status: 403 });
    expect(block?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(block?.rules).toContain("PKL001");
    expect(entries.some((e) => e.decision === "error" && e.status === 502)).toBe(true);
  });

  it("serves health, Prometheus metrics and the OpenAPI document", async () => {
    expect(await (await fetch(`${gate}/healthz`)).json()).toEqual({ status: "ok" });
    const text = await (await fetch(`${gate}/metrics`)).text();
    expect(text).toMatch(/^modelvet_gate_decisions_total\{action="pull",decision="block"\} \d+$/m);
    const openapi = (await (await fetch(`${gate}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(["/v1/scan", "/v1/scan/remote", "/v1/verdicts/{sha256}"]));
  });
});

describe("per-token policy", () => {
  it("vets under the token's own policy, cached apart from the server's", async () => {
    const url = `${gate}/${HUB_REPOS.evil}/resolve/main/extra/model.pkl`;
    const strict = await fetch(url, { headers: { Authorization: `Bearer ${tokens.pull}` } });
    expect(strict.status).toBe(403);
    const lenient = await fetch(url, { headers: { Authorization: `Bearer ${tokens.lenient}` } });
    expect(lenient.status).toBe(200);
    expect(lenient.headers.get("x-modelvet-cache")).toBe("miss");
    expect(new Uint8Array(await lenient.arrayBuffer())).toEqual(fixture(HUB_REPOS.evil, "extra/model.pkl"));
  });

  it.skipIf(!HAVE_CURL)("refuses dot segments in metadata paths, encoded or not", async () => {
    for (const path of ["/api/models/acme/..%2F..%2Fsecret", "/api/models/%2e%2e/x"]) {
      const r = await curl(["--path-as-is", ...auth(tokens.pull), `${gate}${path}`]);
      expect(r.status, path).toBe(400);
    }
  });
});

describe("buildGate's limits", () => {
  it("refuses limits that are not whole numbers of at least 1, or that contradict each other, and takes those that fit", async () => {
    const build = (limits: Record<string, number>) => buildGate({ upstream: "http://127.0.0.1:1", store, toolVersion: "test", limits });
    await expect(build({ maxScanRequests: 0 })).rejects.toThrow(/^The gate limit maxScanRequests must be a whole number of at least 1, got 0$/);
    await expect(build({ scanTimeoutMillis: 1.5 })).rejects.toThrow(RangeError);
    await expect(build({ requestHeadMillis: 2_000, requestMillis: 1_000 })).rejects.toThrow(/requestHeadMillis \(2000\) must not be longer than requestMillis \(1000\)/);
    await expect(build({ maxInlineBytesInFlight: 1024 })).rejects.toThrow(/maxInlineFileBytes \(67108864\) must not be larger than maxInlineBytesInFlight \(1024\)/);
    // The near miss: the same bounds, made consistent.
    const fits = await build({ requestHeadMillis: 1_000, requestMillis: 1_000, maxInlineFileBytes: 1024, maxInlineBytesInFlight: 1024 });
    await fits.close();
  });
});

describe("parseResolveUrl", () => {
  it("decodes each segment once and keeps encoded slashes in revisions", () => {
    expect(parseResolveUrl("/o/m/resolve/refs%2Fpr%2F1/a%20b/c.bin?download=true")).toEqual({ repo: "o/m", revision: "refs/pr/1", path: "a b/c.bin" });
    expect(parseResolveUrl("/o/m/resolve/main/%2e%2e/x")).toMatch(/"\.\." segments/);
  });
});

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${gate}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}


