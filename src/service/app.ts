import { readBoundedBody } from "../web/bounded-body.js";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { summarize, type FileReport, type ScanReport } from "../core/finding.js";
import { scanSource } from "../engine/scan.js";
import { FileSource } from "../node/file-source.js";
import { renderErrorLine, renderFileLine, renderJson, renderSummaryLine } from "../report/json.js";
import { renderSarif } from "../report/sarif.js";
import { RULES } from "../rules/index.js";
import { checkRef, checkRepoPath, parseHfRef } from "../web/hf-ref.js";
import { HubApiError } from "../web/hub-api.js";
import { scanHfRef, scanRemoteFile } from "../web/remote-scan.js";
import { Metrics } from "./metrics.js";
import type { CrawlState, FileResult, ResultStore } from "./jobs.js";
import { decisionPage, decisionsPage, filesPage, type FilesQuery } from "./pages.js";
import { resultCursor } from "./result-cursor.js";
import type { AuditEntry, StoredVerdict, TokenRecord, VerdictStore } from "./store.js";
import { StoreUnavailableError } from "./store-errors.js";
import { DigestMismatchError, getStream, parseRange, VerifyingStream } from "./stream.js";
import { bearerOf, hashToken, RateLimiter, type Scope } from "./tokens.js";
import { classifyFailure, JobError, QueueUnavailableError } from "./job-errors.js";
import { verdictKeyOf } from "./job-keys.js";
import { JobRunner } from "./job-runner.js";
import type { JobOutcome, JobQueue, ScanJob } from "./jobs.js";
import { PolicyBook } from "./policy-book.js";
import { LocalQueue } from "./queue-local.js";
import { DEFAULT_GATE_LIMITS, gateLimitsProblem, UpstreamError, verdictRecord, Vetter, type FileTarget, type GateLimits, type HeldRoom, type InlineBudget, type PolicyContext, type ResolvedFile } from "./vet.js";

export interface GateOptions {
  /** Upstream hub base URL, e.g. https://huggingface.co. */
  upstream: string;
  /** The gate's own upstream credential (server-side configuration, never a client's). */
  upstreamToken?: string;
  store: VerdictStore;
  toolVersion: string;
  /** The policy document's text (JSON or YAML) on top of the defaults; none for the default policy. */
  policyText?: string;
  /** Scopes granted without a token (e.g. ["pull"] on a trusted network); none by default. */
  anonymousScopes?: Scope[];
  /** Origins besides the upstream that the scan API may fetch URLs from (SSRF guard). */
  allowedUrlOrigins?: string[];
  limits?: Partial<GateLimits>;
  /** fastify/pino logger settings; false in tests. */
  logger?: boolean | { level: string };
  /** Where crawl results are (queries by repo and rule); default: `store`, when it keeps them too. */
  results?: ResultStore;
  /**
   * Where scans go. Default: a LocalQueue scanning in this process. `modelvet serve --queue` gives a
   * BullQueue whose jobs `modelvet worker` processes take.
   */
  queue?: JobQueue;
  /** How long a pull waits for its job past the scan's own limit (queueing, fetching), default 30 s. */
  queueWaitMarginMillis?: number;
}

/** How often Node checks its request bounds by default, and at most here (node:http's connectionsCheckingInterval). */
const NODE_CHECK_MILLIS = 30_000;

/** Results per page of /v1/files and /ui/files unless `limit` says otherwise. */
const DEFAULT_RESULTS_PAGE = 100;
/** Largest page of /v1/files a client may ask for: one page is one query and one answer in memory (CWE-400). */
const MAX_RESULTS_PAGE = 1000;

function isResultStore(store: object): store is ResultStore {
  return typeof (store as Partial<ResultStore>).filesByRepo === "function" && typeof (store as Partial<ResultStore>).getCrawl === "function";
}

interface Caller {
  actor: string;
  token: TokenRecord | undefined;
  policy: PolicyContext;
  /** Whose share of the gate's bounds a request takes: its token, else its address. */
  key: string;
}

/** Largest metadata answer passed through (tree listings of huge repos are paginated well below it) (CWE-400). */
const MAX_METADATA_BYTES = 64 * 1024 * 1024;

/** What a 503 for an unavailable store tells clients to wait: a Postgres restart or failover takes seconds. */
const STORE_RETRY_AFTER_SECONDS = 5;

/** Headers clients read on downloads; exposed for browsers too. */
const EXPOSED = "X-Repo-Commit,X-Linked-Etag,X-Linked-Size,ETag,Content-Range,Content-Length,X-Error-Code,X-Error-Message";

const verdictSchema = {
  type: "object",
  properties: {
    digest: { type: "string" },
    verdict: { type: "string", enum: ["clean", "suspicious", "unsafe", "error"] },
    allowed: { type: "boolean" },
    rules: { type: "array", items: { type: "string" } },
    policyDigest: { type: "string" },
    toolVersion: { type: "string" },
    createdAt: { type: "string" },
    report: { type: "object", additionalProperties: true },
  },
} as const;

const errorSchema = { type: "object", properties: { error: { type: "string" } }, additionalProperties: true } as const;

/**
 * The gate: a Hugging Face-compatible proxy that vets every file before it streams, a scan API,
 * a verdict cache and audit log, and pages for people. `listen` is the caller's.
 *
 * @example
 * const app = await buildGate({ upstream: "https://huggingface.co", store: SqliteStore.open("gate.db"), toolVersion: VERSION });
 * await app.listen({ port: 8080, host: "127.0.0.1" });
 */
export async function buildGate(options: GateOptions): Promise<FastifyInstance> {
  const limits: GateLimits = { ...DEFAULT_GATE_LIMITS, ...options.limits };
  const problem = gateLimitsProblem(limits);
  if (problem !== undefined) throw new RangeError(problem);
  const upstream = options.upstream.replace(/\/+$/, "");
  const metrics = new Metrics();
  const store = options.store;
  const vetter = new Vetter({ upstream, upstreamToken: options.upstreamToken, metrics, toolVersion: options.toolVersion, limits });
  const rate = new RateLimiter();
  const policies = new PolicyBook(store);
  const policyContext = (text: string | undefined, label: string): PolicyContext => policies.contextOf(text, label);
  const serverPolicy = policyContext(options.policyText, "server policy");
  const allowedOrigins = new Set([new URL(upstream).origin, ...(options.allowedUrlOrigins ?? []).map((o) => new URL(o).origin)]);
  // The embedded queue scans the bytes the pull already resolved (held by digest while it waits).
  const held = new Map<string, ResolvedFile>();
  const runner = new JobRunner({ vetter, store, policies, toolVersion: options.toolVersion, metrics, scan: (file, name, policy) => vetter.scanFile(file, name, policy) });
  const queue: JobQueue = options.queue ?? new LocalQueue((job) => runner.run(job, job.digest === undefined ? undefined : held.get(job.digest)), { toolVersion: options.toolVersion });
  const waitMillis = limits.scanTimeoutMillis + (options.queueWaitMarginMillis ?? 30_000);

  // Bytes of files outside LFS that pulls in flight hold (maxInlineBytesInFlight).
  const inlineBytes = new HeldByResponses(limits.maxInlineBytesInFlight);
  const inlineBudget = (reply: FastifyReply): InlineBudget => ({
    max: inlineBytes.max,
    take: (bytes) => {
      const taken = inlineBytes.take(reply, bytes);
      return typeof taken === "string" ? undefined : taken;
    },
  });

  // Scan API requests in flight (maxScanRequests), and each caller's share (maxScanRequestsPerCaller).
  const scanRequests = new HeldByResponses(limits.maxScanRequests, limits.maxScanRequestsPerCaller);
  /** Takes room for a scan request, or answers why there is none (undefined when taken). */
  const scanRoom = (reply: FastifyReply, caller: Caller): FastifyReply | undefined => {
    const over = scanRequests.take(reply, 1, caller.key);
    if (typeof over !== "string") return undefined;
    reply.header("Retry-After", "5");
    if (over === "share") {
      const whose = caller.token ? `Token ${caller.token.name}` : "This address";
      return sendError(reply, 429, "TooManyScans", `${whose} already runs ${limits.maxScanRequestsPerCaller} scan request(s), its share (limit maxScanRequestsPerCaller); retry when one has ended`);
    }
    return sendError(reply, 503, "GateBusy", `${limits.maxScanRequests} scan request(s) are running (limit maxScanRequests); retry shortly`);
  };

  /** The verdict on a resolved file: from storage, else from a job on the queue (which may be down: 503). */
  async function decide(file: ResolvedFile, target: FileTarget, policy: PolicyContext): Promise<{ verdict: StoredVerdict; cached: boolean }> {
    const key = verdictKeyOf(file.digest, policy.digest, options.toolVersion);
    const cached = await store.getVerdict(key);
    if (cached) {
      metrics.add("modelvet_gate_cache_total", { result: "hit" });
      return { verdict: cached, cached: true };
    }
    metrics.add("modelvet_gate_cache_total", { result: "miss" });
    const job: ScanJob = { repo: target.repo, revision: file.commit || target.revision, path: target.path, digest: file.digest, size: file.size, policyDigest: policy.digest, origin: "gate" };
    held.set(file.digest, file);
    let outcome: JobOutcome;
    try {
      outcome = await queue.run(job, waitMillis);
    } catch (error) {
      metrics.add("modelvet_queue_jobs_total", { result: "failed", verdict: "" });
      throw error;
    } finally {
      held.delete(file.digest);
    }
    metrics.add("modelvet_queue_jobs_total", { result: outcome.fromStore ? "from-store" : "scanned", verdict: outcome.verdict });
    const verdict = await store.getVerdict(outcome.verdictKey);
    if (!verdict) throw new JobError(`The verdict ${outcome.verdictKey} was reported but is not in storage; not served`, "transient", 503, "StoreUnavailable");
    return { verdict, cached: outcome.fromStore };
  }

  const app = Fastify({
    logger: options.logger ?? false,
    // Hub paths carry encoded slashes in revisions; keep the raw URL for our own parsing.
    routerOptions: { ignoreDuplicateSlashes: false, maxParamLength: 2048 },
    bodyLimit: 1024 * 1024,
    // The bounds on clients' time (GateLimits). Node checks the request head's and the whole
    // request's on an interval: half the head's bound, so each is kept to within half of itself.
    // requestTimeout twice: Fastify sets its own after creating the server (0, none, by default),
    // and Node refuses a head bound longer than the request's when it creates it.
    http: { headersTimeout: limits.requestHeadMillis, requestTimeout: limits.requestMillis, connectionsCheckingInterval: Math.max(1, Math.min(NODE_CHECK_MILLIS, Math.floor(limits.requestHeadMillis / 2))) },
    requestTimeout: limits.requestMillis,
    connectionTimeout: limits.clientIdleMillis,
  });
  closeSilentConnections(app, limits.requestHeadMillis);
  await app.register(swagger, {
    openapi: {
      info: { title: "modelvet gate", version: options.toolVersion, description: "Hugging Face-compatible proxy that vets model files before serving them, and a scan API." },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  });
  app.addContentTypeParser("application/octet-stream", (_req: FastifyRequest, payload: IncomingMessage, done: (err: Error | null, body?: unknown) => void) => done(null, payload));
  app.addHook("onResponse", async (request, reply) => {
    metrics.add("modelvet_gate_requests_total", { route: request.routeOptions.url ?? "unmatched", status: reply.statusCode });
  });

  /** The caller, or undefined after answering 401/403/429. */
  async function authorize(request: FastifyRequest, reply: FastifyReply, scope: Scope): Promise<Caller | undefined> {
    const bearer = bearerOf(request.headers.authorization);
    let token: TokenRecord | undefined;
    if (bearer !== undefined) {
      token = await store.tokenByHash(hashToken(bearer));
      if (!token || token.revokedAt !== undefined) {
        await sendError(reply, 401, "Unauthorized", "Invalid or revoked modelvet gate token");
        return undefined;
      }
      if (!token.scopes.includes(scope)) {
        await sendError(reply, 403, "Forbidden", `This token lacks the ${JSON.stringify(scope)} scope`);
        return undefined;
      }
    } else if (!(options.anonymousScopes ?? []).includes(scope)) {
      await sendError(reply, 401, "Unauthorized", `A modelvet gate token with the ${JSON.stringify(scope)} scope is required (Authorization: Bearer …; HF_TOKEN for Hugging Face clients)`);
      return undefined;
    }
    const key = token ? `token:${token.id}` : `anon:${request.ip}`;
    const wait = rate.take(key, token?.ratePerMinute ?? limits.ratePerMinute);
    if (wait !== undefined) {
      reply.header("Retry-After", String(wait));
      await sendError(reply, 429, "RateLimited", `Rate limit exceeded; retry in ${wait} s`);
      return undefined;
    }
    let policy = serverPolicy;
    if (token?.policy !== undefined) policy = policyContext(token.policy, `policy of token ${token.name}`);
    return { actor: token ? token.name : "anonymous", token, policy, key };
  }

  async function audit(entry: Omit<AuditEntry, "at">): Promise<number> {
    const full: AuditEntry = { at: new Date().toISOString(), ...entry };
    const id = await store.appendAudit(full);
    app.log.info({ audit: { ...full, id } }, "decision");
    metrics.add("modelvet_gate_decisions_total", { action: entry.action, decision: entry.decision });
    return id;
  }

  // ---- operations ---------------------------------------------------------------------------
  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
    const memory = process.memoryUsage();
    reply.type("text/plain; version=0.0.4");
    return metrics.render({ process_resident_memory_bytes: memory.rss, nodejs_heap_used_bytes: memory.heapUsed, modelvet_gate_inline_bytes_in_flight: inlineBytes.held, ...(await queueGauges(queue)) });
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  // ---- the proxy: downloads ---------------------------------------------------------------
  const resolveHandler = (head: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const parsed = parseResolveUrl(request.raw.url ?? "");
    if (typeof parsed === "string") return sendError(reply, 400, "BadRequest", parsed);
    const caller = await authorize(request, reply, "pull");
    if (!caller) return reply;
    return serveFile(request, reply, parsed, caller, head);
  };
  const resolveSchema = { hide: true };
  app.get("/:org/:name/resolve/*", { schema: resolveSchema, exposeHeadRoute: false }, resolveHandler(false));
  app.head("/:org/:name/resolve/*", { schema: resolveSchema }, resolveHandler(true));

  async function serveFile(request: FastifyRequest, reply: FastifyReply, target: FileTarget, caller: Caller, head: boolean): Promise<FastifyReply> {
    const action = head ? "head" : "pull";
    const base = { actor: caller.actor, action, repo: target.repo, revision: target.revision, path: target.path } as const;
    let file: ResolvedFile;
    try {
      file = await vetter.resolve(target, inlineBudget(reply));
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      await audit({ ...base, commit: "", digest: "", verdict: "", decision: "error", rules: [], status: error.status, reason: error.message, verdictKey: "" });
      if (error.status === 503) reply.header("Retry-After", "5");
      return sendError(reply, error.status, error.code ?? (error.status >= 500 ? "UpstreamError" : "UpstreamRefused"), error.message);
    }
    const name = `${target.repo}/${target.path}`;
    let verdict: StoredVerdict;
    let cached: boolean;
    try {
      ({ verdict, cached } = await decide(file, target, caller.policy));
    } catch (error) {
      // The store is down: the audit log is too, so answer 503 from the error handler.
      if (error instanceof StoreUnavailableError) throw error;
      const failure = failureOf(error);
      await audit({ ...base, commit: file.commit, digest: file.digest, verdict: "", decision: "error", rules: [], status: failure.status, reason: failure.message, verdictKey: "" }).catch(() => undefined);
      if (failure.status === 503) reply.header("Retry-After", "5");
      return sendError(reply, failure.status, failure.code, failure.message);
    }
    const fileHeaders: Record<string, string> = {
      ETag: file.etag,
      "X-Repo-Commit": file.commit,
      "Access-Control-Expose-Headers": EXPOSED,
      "X-Modelvet-Verdict": verdict.verdict,
      "X-Modelvet-Cache": cached ? "hit" : "miss",
    };
    if (file.kind === "lfs") {
      fileHeaders["X-Linked-Etag"] = file.etag;
      fileHeaders["X-Linked-Size"] = String(file.size);
    }
    if (!verdict.allowed) {
      const rules = verdict.rules.length > 0 ? verdict.rules.join(", ") : "no rule: the file could not be fully scanned";
      const id = await audit({ ...base, commit: file.commit, digest: file.digest, verdict: verdict.verdict, decision: "block", rules: verdict.rules, status: 403, reason: `verdict ${verdict.verdict} (${rules})`, verdictKey: verdict.key });
      const message = `modelvet blocked ${name}: verdict ${verdict.verdict} (${rules}); report: /ui/decisions/${id}`;
      reply.headers({ ...fileHeaders, "X-Error-Code": "ModelvetBlocked" });
      return sendError(reply, 403, "ModelvetBlocked", message, { verdict: verdict.verdict, rules: verdict.rules, digest: file.digest, report: `/ui/decisions/${id}` });
    }
    await audit({ ...base, commit: file.commit, digest: file.digest, verdict: verdict.verdict, decision: "allow", rules: verdict.rules, status: 200, reason: `verdict ${verdict.verdict}${cached ? " (cached)" : ""}`, verdictKey: verdict.key });
    reply.headers({ ...fileHeaders, "Accept-Ranges": "bytes", "Content-Type": "application/octet-stream" });
    if (head) {
      reply.header("Content-Length", String(file.size));
      return reply.code(200).send();
    }
    const range = parseRange(request.headers.range, file.size);
    if (range === "unsatisfiable") {
      reply.header("Content-Range", `bytes */${file.size}`);
      return sendError(reply, 416, "RangeNotSatisfiable", `Range ${JSON.stringify(request.headers.range)} is outside the file (${file.size} bytes)`);
    }
    if (file.kind === "inline") {
      const body = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
      metrics.add("modelvet_gate_bytes_streamed_total", {}, range ? range.end - range.start + 1 : body.length);
      if (!range) return reply.code(200).header("Content-Length", String(body.length)).send(body);
      return reply.code(206).header("Content-Range", `bytes ${range.start}-${range.end}/${file.size}`).send(body.subarray(range.start, range.end + 1));
    }
    return streamLfs(reply, file, range);
  }

  async function streamLfs(reply: FastifyReply, file: Extract<ResolvedFile, { kind: "lfs" }>, range: { start: number; end: number } | undefined): Promise<FastifyReply> {
    const headers: Record<string, string> = { "Accept-Encoding": "identity" };
    if (new URL(file.url).origin === new URL(upstream).origin) Object.assign(headers, vetter.upstreamHeaders());
    if (range) headers.Range = `bytes=${range.start}-${range.end}`;
    let response: IncomingMessage;
    try {
      response = await getStream(file.url, headers, limits.upstreamTimeoutMillis);
    } catch (error) {
      metrics.add("modelvet_gate_upstream_errors_total");
      return sendError(reply, 502, "UpstreamError", `Cannot stream the vetted file: ${(error as Error).message}`);
    }
    const expected = range ? 206 : 200;
    if (response.statusCode !== expected) {
      response.resume();
      metrics.add("modelvet_gate_upstream_errors_total");
      return sendError(reply, 502, "UpstreamError", `The upstream answered ${response.statusCode} when streaming the vetted file`);
    }
    const length = range ? range.end - range.start + 1 : file.size;
    if (Number(response.headers["content-length"] ?? length) !== length) {
      response.destroy();
      return sendError(reply, 502, "UpstreamError", "The upstream's length differs from the vetted file's");
    }
    reply.header("Content-Length", String(length));
    if (range) reply.header("Content-Range", `bytes ${range.start}-${range.end}/${file.size}`);
    let body: Readable = response;
    if (range) metrics.add("modelvet_gate_bytes_streamed_total", {}, length);
    else {
      // A whole download is checked against the vetted sha256 before its last chunk is released.
      // pipeline, not pipe: when the client goes away, Fastify destroys the body, and pipeline
      // destroys the upstream response with it. pipe() only unpiped it, and it stayed open, paused,
      // until upstreamTimeoutMillis: clients that dropped downloads held the gate's upstream
      // connections (CWE-772). An upstream error reaches the client through the body as before.
      const verifier = new VerifyingStream(file.sha256, file.size, (count) => metrics.add("modelvet_gate_bytes_streamed_total", {}, count));
      pipeline(response, verifier).catch(() => undefined);
      body = verifier;
    }
    return reply.code(expected).send(body);
  }

  // ---- the proxy: metadata passthrough ------------------------------------------------------
  const passthrough = async (request: FastifyRequest, reply: FastifyReply) => {
    const caller = await authorize(request, reply, "pull");
    if (!caller) return reply;
    const raw = request.raw.url ?? "/";
    if (!isPlainApiPath(raw.split("?")[0] ?? "")) return sendError(reply, 400, "BadRequest", "Invalid path: no \".\" or \"..\" segments, control characters or backslashes");
    const headers: Record<string, string> = { Accept: request.headers.accept ?? "application/json", ...vetter.upstreamHeaders() };
    let body: string | undefined;
    if (request.method === "POST") {
      headers["Content-Type"] = request.headers["content-type"] ?? "application/json";
      body = typeof request.body === "string" ? request.body : JSON.stringify(request.body ?? {});
    }
    let response: Response;
    try {
      response = await fetch(`${upstream}${raw}`, { method: request.method, headers, body, redirect: "manual", signal: AbortSignal.timeout(limits.upstreamTimeoutMillis) });
    } catch (error) {
      metrics.add("modelvet_gate_upstream_errors_total");
      return sendError(reply, 502, "UpstreamError", `Upstream unreachable: ${(error as Error).message}`);
    }
    for (const name of ["content-type", "x-error-code", "x-error-message", "etag", "x-repo-commit", "x-total-count"]) {
      const value = response.headers.get(name);
      if (value !== null) reply.header(name, value);
    }
    // Pagination links point at the upstream; clients must come back through the gate.
    const link = response.headers.get("link");
    if (link !== null) reply.header("link", link.split(upstream).join(`${request.protocol}://${request.headers.host ?? ""}`));
    const text = await boundedText(response, MAX_METADATA_BYTES);
    if (text === undefined) return sendError(reply, 502, "UpstreamError", `The upstream's answer exceeds ${MAX_METADATA_BYTES} bytes (limit MAX_METADATA_BYTES)`);
    return reply.code(response.status).send(text);
  };
  app.route({ method: ["GET", "HEAD"], url: "/api/*", schema: { hide: true }, handler: passthrough, exposeHeadRoute: false });
  app.post("/api/*", { schema: { hide: true } }, passthrough);

  // ---- scan API -------------------------------------------------------------------------------
  const formatQuery = { type: "object", properties: { format: { type: "string", enum: ["json", "sarif"], default: "json" }, name: { type: "string", maxLength: 255 } } } as const;
  const remoteFormatQuery = { type: "object", properties: { format: { type: "string", enum: ["json", "sarif", "ndjson"], default: "json" } } } as const;

  app.post(
    "/v1/scan",
    {
      schema: {
        summary: "Scan uploaded bytes (streamed, size-limited) and return the report",
        consumes: ["application/octet-stream"],
        querystring: formatQuery,
        response: { 200: { type: "object", additionalProperties: true }, 413: errorSchema },
      },
    },
    async (request, reply) => {
      const caller = await authorize(request, reply, "scan");
      if (!caller) return reply;
      const query = request.query as { format: "json" | "sarif"; name?: string };
      const declared = Number(request.headers["content-length"] ?? "0");
      const stream = request.body as Readable | undefined;
      if (!stream || typeof (stream as Readable).pipe !== "function") return sendError(reply, 415, "UnsupportedMediaType", "Send the file as Content-Type: application/octet-stream");
      if (declared > limits.maxUploadBytes) {
        stream.resume();
        return sendError(reply, 413, "PayloadTooLarge", `Upload of ${declared} bytes exceeds ${limits.maxUploadBytes} bytes (limit maxUploadBytes)`);
      }
      const refused = scanRoom(reply, caller);
      if (refused) {
        stream.resume();
        return refused;
      }
      const name = (query.name ?? "upload").replace(/[^\w.-]/g, "_") || "upload";
      const dir = await mkdtemp(join(tmpdir(), "modelvet-gate-"));
      try {
        const path = join(dir, "upload");
        const hash = createHash("sha256");
        let size = 0;
        let tooLarge = false;
        await pipeline(
          stream,
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              size += chunk.length;
              if (size > limits.maxUploadBytes) {
                tooLarge = true;
                throw new Error("too large");
              }
              hash.update(chunk);
              yield chunk;
            }
          },
          createWriteStream(path),
        ).catch((error: unknown) => {
          if (!tooLarge) throw error;
        });
        if (tooLarge) return sendError(reply, 413, "PayloadTooLarge", `Upload exceeds ${limits.maxUploadBytes} bytes (limit maxUploadBytes)`);
        const digest = `sha256:${hash.digest("hex")}`;
        const key = `${digest}|${caller.policy.digest}|${options.toolVersion}`;
        let verdict = await store.getVerdict(key);
        if (!verdict) {
          const source = await FileSource.open(path);
          try {
            const report = await scanSource(source, { path: name, policy: caller.policy.policy, limits: { maxMillisPerFile: limits.scanTimeoutMillis } });
            verdict = verdictRecord(key, digest, caller.policy, options.toolVersion, report);
          } finally {
            await source.close();
          }
          await store.putVerdict(verdict);
        }
        await audit({ actor: caller.actor, action: "scan", repo: "(upload)", revision: "", commit: "", path: name, digest, verdict: verdict.verdict, decision: verdict.allowed ? "allow" : "block", rules: verdict.rules, status: 200, reason: `verdict ${verdict.verdict}`, verdictKey: verdict.key });
        const report = JSON.parse(verdict.report) as FileReport;
        return sendReport(reply, [{ ...report, path: name }], query.format, options.toolVersion);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  app.post(
    "/v1/scan/remote",
    {
      schema: {
        summary: "Scan a hub reference (hf://ORG/REPO[@REV][/PATH], via the gate's upstream) or a URL without downloading it; format=ndjson streams each file's report as it is done",
        querystring: remoteFormatQuery,
        body: { type: "object", properties: { ref: { type: "string", maxLength: 2048 }, url: { type: "string", maxLength: 4096 } }, additionalProperties: false },
        response: { 200: { type: "object", additionalProperties: true }, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const caller = await authorize(request, reply, "scan");
      if (!caller) return reply;
      const body = request.body as { ref?: string; url?: string };
      const query = request.query as { format: "json" | "sarif" | "ndjson" };
      const refused = scanRoom(reply, caller);
      if (refused) return refused;
      // A client that goes away stops its scan: no more files are started (a repo may hold thousands).
      const gone = new AbortController();
      reply.raw.once("close", () => gone.abort());
      // format=ndjson: the answer starts once the files are listed (a listing's failure is still an
      // error status), then a line per file as it is done. Bytes keep moving while a large repo is
      // scanned, so clientIdleMillis does not cut it; the summary line comes last, and a stream
      // without one was cut short.
      let lines: PassThrough | undefined;
      const begin = (): void => {
        if (query.format !== "ndjson" || lines) return;
        lines = new PassThrough();
        void reply.type("application/x-ndjson; charset=utf-8").header("Cache-Control", "no-store").send(lines);
      };
      // Each file is in the audit log before its verdict goes out, in either format; the first
      // failure to log one stops the answer (503, or the stream's last line).
      let unlogged: unknown;
      let logged = Promise.resolve();
      const halt = new AbortController();
      const onReport = (report: FileReport): void => {
        logged = logged.then(async () => {
          if (unlogged !== undefined) return;
          try {
            await audit({ actor: caller.actor, action: "scan", repo: body.ref ?? body.url ?? "", revision: "", commit: "", path: report.path, digest: "", verdict: report.verdict, decision: report.verdict === "clean" ? "allow" : "block", rules: [...new Set(report.findings.map((x) => x.ruleId))], status: 200, reason: `verdict ${report.verdict}`, verdictKey: "" });
          } catch (error) {
            unlogged = error;
            // No more files are started: their verdicts could not go out.
            halt.abort(error);
            return;
          }
          if (lines && !lines.destroyed) lines.write(renderFileLine(report));
        });
      };
      const common = { endpoint: upstream, token: options.upstreamToken, policy: caller.policy.policy, limits: { maxMillisPerFile: limits.scanTimeoutMillis } };
      let files: FileReport[];
      try {
        if (body.ref !== undefined) {
          const parsed = parseHfRef(body.ref);
          if (!parsed.ok) return sendError(reply, 400, "BadRequest", parsed.message);
          try {
            files = await scanHfRef(parsed.ref, { ...common, signal: AbortSignal.any([gone.signal, halt.signal]), onListed: begin, onReport });
          } catch (error) {
            if (gone.signal.aborted) return reply;
            if (error instanceof HubApiError && !lines) return sendError(reply, error.status !== undefined && error.status < 500 ? error.status : 502, error.code ?? "UpstreamError", error.message);
            throw error;
          }
        } else if (body.url !== undefined) {
          let url: URL;
          try {
            url = new URL(body.url);
          } catch {
            return sendError(reply, 400, "BadRequest", `Not a URL: ${JSON.stringify(body.url)}`);
          }
          // The gate must not become a way into the network it sits in (SSRF): only known origins.
          if (!allowedOrigins.has(url.origin)) return sendError(reply, 400, "BadRequest", `URL origin ${JSON.stringify(url.origin)} is not allowed; allowed: ${[...allowedOrigins].join(", ")}`);
          begin();
          files = [(await scanRemoteFile(url.href, { ...common, path: url.href })).report];
          onReport(files[0] as FileReport);
        } else {
          return sendError(reply, 400, "BadRequest", "Give either \"ref\" (hf://ORG/REPO[@REVISION][/PATH]) or \"url\"");
        }
        await logged;
        if (unlogged !== undefined) throw unlogged;
      } catch (error) {
        if (!lines) throw error;
        // The status went out with the first line: the failure is the last line, and no summary.
        app.log.error({ err: error }, "remote scan failed after its answer began");
        lines.end(renderErrorLine(`The scan stopped: ${(error as Error).message}; this report is incomplete`));
        return reply;
      }
      if (lines) {
        lines.end(renderSummaryLine({ schemaVersion: 1, tool: { name: "modelvet", version: options.toolVersion }, summary: summarize(files) }));
        return reply;
      }
      return sendReport(reply, files, query.format === "sarif" ? "sarif" : "json", options.toolVersion);
    },
  );

  app.get(
    "/v1/verdicts/:sha256",
    {
      schema: {
        summary: "The verdict on a file by its SHA-256, under the caller's policy and this modelvet version",
        params: { type: "object", properties: { sha256: { type: "string", pattern: "^[0-9a-f]{64}$" } }, required: ["sha256"] },
        response: { 200: verdictSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const caller = await authorize(request, reply, "scan");
      if (!caller) return reply;
      const { sha256 } = request.params as { sha256: string };
      const key = `sha256:${sha256}|${caller.policy.digest}|${options.toolVersion}`;
      const verdict = await store.getVerdict(key);
      if (!verdict) return sendError(reply, 404, "NotFound", `No verdict for sha256 ${sha256} under this policy and modelvet ${options.toolVersion}`);
      return { ...verdict, report: JSON.parse(verdict.report) as unknown };
    },
  );

  // ---- pages for people ----------------------------------------------------------------------
  app.get("/ui", { schema: { hide: true } }, async (request, reply) => {
    const caller = await authorize(request, reply, "admin");
    if (!caller) return reply;
    return reply.type("text/html; charset=utf-8").header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'").send(decisionsPage(await store.recentAudit(200)));
  });
  app.get("/ui/decisions/:id", { schema: { hide: true } }, async (request, reply) => {
    const caller = await authorize(request, reply, "admin");
    if (!caller) return reply;
    const id = Number((request.params as { id: string }).id);
    const entry = Number.isSafeInteger(id) ? await store.auditEntry(id) : undefined;
    if (!entry) return sendError(reply, 404, "NotFound", "No such decision");
    const verdict = entry.verdictKey ? await store.getVerdict(entry.verdictKey) : undefined;
    return reply.type("text/html; charset=utf-8").header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'").send(decisionPage(entry, verdict));
  });


  // ---- crawl results ----------------------------------------------------------------------------
  const results = options.results ?? (isResultStore(store) ? store : undefined);
  const fileResultSchema = {
    type: "object",
    properties: {
      repo: { type: "string" },
      revision: { type: "string" },
      path: { type: "string" },
      digest: { type: "string" },
      verdictKey: { type: "string" },
      verdict: { type: "string" },
      rules: { type: "array", items: { type: "string" } },
      scannedAt: { type: "string" },
      crawlId: { type: "string" },
    },
  } as const;
  const crawlSchema = {
    type: "object",
    additionalProperties: true,
    properties: {
      id: { type: "string" },
      target: { type: "string" },
      status: { type: "string", enum: ["listing", "queued", "done", "failed"] },
      cursor: { type: "string" },
      reposListed: { type: "integer" },
      filesQueued: { type: "integer" },
      startedAt: { type: "string" },
      updatedAt: { type: "string" },
    },
  } as const;
  const repoIdPattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$";
  const orgPattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$";
  const rulePattern = "^[A-Z]{2,5}[0-9]{3}$";

  /** One page of results for a repo or a rule, and the cursor of the next page when there may be one. */
  async function queryFiles(store: ResultStore, query: { repo?: string; rule?: string; org?: string; after?: string }, limit: number): Promise<{ files: FileResult[]; next?: string }> {
    const files = query.repo !== undefined ? await store.filesByRepo(query.repo, limit, query.after) : await store.filesByRule(query.rule as string, { org: query.org, limit, after: query.after });
    const last = files[files.length - 1];
    return files.length === limit && last ? { files, next: resultCursor(last) } : { files };
  }

  app.get(
    "/v1/files",
    {
      schema: {
        summary: "Crawl results: the files of one repo (repo=ORG/NAME), or every file with a rule's findings (rule=PKL001, optionally org=ORG), newest first",
        description: "Paginated: when a page is full its `next` is the cursor to pass as `after` for the following page.",
        querystring: {
          type: "object",
          properties: {
            repo: { type: "string", pattern: repoIdPattern },
            rule: { type: "string", pattern: rulePattern },
            org: { type: "string", pattern: orgPattern },
            after: { type: "string", maxLength: 2048 },
            limit: { type: "integer", minimum: 1, maximum: MAX_RESULTS_PAGE, default: DEFAULT_RESULTS_PAGE },
          },
          additionalProperties: false,
        },
        response: { 200: { type: "object", properties: { files: { type: "array", items: fileResultSchema }, next: { type: "string" } }, required: ["files"] }, 400: errorSchema, 501: errorSchema },
      },
    },
    async (request, reply) => {
      const caller = await authorize(request, reply, "scan");
      if (!caller) return reply;
      if (!results) return sendError(reply, 501, "NotImplemented", "This gate's store keeps no crawl results");
      const query = request.query as { repo?: string; rule?: string; org?: string; after?: string; limit: number };
      if ((query.repo === undefined) === (query.rule === undefined)) return sendError(reply, 400, "BadRequest", "Give either repo=ORG/NAME or rule=RULE_ID (with org=ORG to narrow it)");
      if (query.repo !== undefined && query.org !== undefined) return sendError(reply, 400, "BadRequest", "org= narrows a rule query; a repo query names its organisation already");
      return queryFiles(results, query, query.limit);
    },
  );

  app.get(
    "/v1/crawls/:id",
    {
      schema: {
        summary: "A crawl's state: target, status, listing cursor and counts",
        params: { type: "object", properties: { id: { type: "string", pattern: "^[0-9a-f]{1,64}$" } }, required: ["id"] },
        response: { 200: crawlSchema, 404: errorSchema, 501: errorSchema },
      },
    },
    async (request, reply) => {
      const caller = await authorize(request, reply, "scan");
      if (!caller) return reply;
      if (!results) return sendError(reply, 501, "NotImplemented", "This gate's store keeps no crawl results");
      const { id } = request.params as { id: string };
      const crawl: CrawlState | undefined = await results.getCrawl(id);
      if (!crawl) return sendError(reply, 404, "NotFound", `No crawl ${JSON.stringify(id)}`);
      return crawl;
    },
  );

  app.get("/ui/files", { schema: { hide: true } }, async (request, reply) => {
    const caller = await authorize(request, reply, "admin");
    if (!caller) return reply;
    if (!results) return sendError(reply, 501, "NotImplemented", "This gate's store keeps no crawl results");
    const raw = request.query as Record<string, unknown>;
    const text = (name: string): string | undefined => (typeof raw[name] === "string" && raw[name] !== "" ? (raw[name] as string) : undefined);
    const repo = text("repo");
    const rule = text("rule");
    const org = text("org");
    const after = text("after");
    if (repo !== undefined && !new RegExp(repoIdPattern).test(repo)) return sendError(reply, 400, "BadRequest", `Invalid repo id ${JSON.stringify(repo)}`);
    if (rule !== undefined && !new RegExp(rulePattern).test(rule)) return sendError(reply, 400, "BadRequest", `Invalid rule id ${JSON.stringify(rule)}`);
    if (org !== undefined && !new RegExp(orgPattern).test(org)) return sendError(reply, 400, "BadRequest", `Invalid organisation ${JSON.stringify(org)}`);
    if (after !== undefined && after.length > 2048) return sendError(reply, 400, "BadRequest", "Cursor too long");
    let query: FilesQuery = {};
    let page: { files: FileResult[]; next?: string } = { files: [] };
    if (repo !== undefined) query = { repo };
    else if (rule !== undefined) query = org !== undefined ? { rule, org } : { rule };
    if (repo !== undefined || rule !== undefined) page = await queryFiles(results, { repo, rule, org: repo === undefined ? org : undefined, after }, DEFAULT_RESULTS_PAGE);
    const crawls = repo === undefined && rule === undefined ? await results.listCrawls(20) : [];
    return reply.type("text/html; charset=utf-8").header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'").send(filesPage(query, page.files, page.next, crawls));
  });

  app.addHook("onClose", async () => {
    if (!options.queue) await queue.close();
  });
  app.setNotFoundHandler(async (request, reply) => sendError(reply, 404, "NotFound", `No route ${request.method} ${request.url.split("?")[0]}`));
  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof DigestMismatchError) {
      metrics.add("modelvet_gate_upstream_errors_total");
      request.log.error({ err: error }, "download cut");
      return sendError(reply, 502, "UpstreamChanged", error.message);
    }
    if (error instanceof StoreUnavailableError) {
      // Fail closed and say it is temporary: nothing is served or judged without the store.
      metrics.add("modelvet_gate_store_unavailable_total");
      request.log.error({ err: error }, "store unavailable");
      reply.header("Retry-After", String(STORE_RETRY_AFTER_SECONDS));
      return sendError(reply, 503, "StoreUnavailable", "The verdict store is unavailable; nothing was served. Retry later");
    }
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, "request failed");
    return sendError(reply, status, status === 500 ? "InternalError" : "BadRequest", status === 500 ? "Internal error; nothing was served" : error.message);
  });
  return app;
}

/** Queue depth and the oldest waiting job's age for /metrics; `modelvet_queue_up 0` while the queue cannot be reached. */
async function queueGauges(queue: JobQueue): Promise<Record<string, number>> {
  try {
    const c = await queue.counts();
    return {
      modelvet_queue_up: 1,
      modelvet_queue_waiting_jobs: c.waiting,
      modelvet_queue_active_jobs: c.active,
      modelvet_queue_delayed_jobs: c.delayed,
      modelvet_queue_failed_jobs: c.failed,
      modelvet_queue_completed_jobs: c.completed,
      modelvet_queue_oldest_waiting_seconds: c.oldestWaitingMillis / 1000,
    };
  } catch {
    return { modelvet_queue_up: 0 };
  }
}

/** What a failed pull answers: the job's own status (404 from the hub, 504 on a timeout), 503 while the queue or store is down. */
function failureOf(error: unknown): { status: number; code: string; message: string } {
  if (error instanceof QueueUnavailableError) return { status: 503, code: "QueueUnavailable", message: error.message };
  const failure = classifyFailure(error);
  return { status: failure.status, code: failure.code === "JobFailed" ? "ScanFailed" : failure.code, message: failure.message };
}

/**
 * A sum of what requests in flight hold (bytes, requests), bounded in total and, for requests
 * that name whose they are, per key: each takes its part and gives it back when its response
 * closes, whether its answer went out or its client went away.
 */
class HeldByResponses {
  held = 0;
  private readonly byKey = new Map<string, number>();
  constructor(
    readonly max: number,
    /** What one key may hold of `max` (default: all of it). */
    readonly maxPerKey = max,
  ) {}

  /**
   * Takes `amount` for `reply`'s request, on `key`'s share when given: the part taken, or the
   * bound it would pass: "share" (the key's), or "total" (also for a response already closed).
   */
  take(reply: FastifyReply, amount: number, key?: string): HeldRoom | "total" | "share" {
    // A response already closed never emits 'close' again: nothing would give the amount back,
    // and its client is gone anyway.
    if (reply.raw.closed) return "total";
    // The share first: a caller past its own is told so, even when the gate is full as well.
    if (key !== undefined && (this.byKey.get(key) ?? 0) + amount > this.maxPerKey) return "share";
    if (this.held + amount > this.max) return "total";
    let holds = amount;
    this.move(amount, key);
    reply.raw.once("close", () => {
      this.move(-holds, key);
      holds = 0;
    });
    return {
      keep: (less) => {
        if (less >= holds) return;
        this.move(less - holds, key);
        holds = less;
      },
    };
  }

  private move(amount: number, key: string | undefined): void {
    this.held += amount;
    if (key === undefined) return;
    const left = (this.byKey.get(key) ?? 0) + amount;
    // Keys of callers with nothing in flight are dropped: the map holds only those running.
    if (left > 0) this.byKey.set(key, left);
    else this.byKey.delete(key);
  }
}

/**
 * Closes connections that have sent no byte `millis` after they opened, and all of them when the
 * gate closes. Node's head bound starts at a request's first byte, and its close ends only
 * connections between two requests: one that sends nothing was kept without end, and held a
 * closing gate for as long. Clients open them ahead of a request (undici after a download it
 * aborted, browsers that preconnect), and so can anyone, for nothing.
 */
function closeSilentConnections(app: FastifyInstance, millis: number): void {
  const connections = new Set<Socket>();
  app.server.on("connection", (socket: Socket) => {
    connections.add(socket);
    const timer = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, millis);
    timer.unref();
    socket.once("close", () => {
      clearTimeout(timer);
      connections.delete(socket);
    });
  });
  // Such a connection has no request to finish. Fastify stops the listener right after these
  // hooks, before another connection can come in.
  app.addHook("preClose", async () => {
    for (const socket of connections) if (socket.bytesRead === 0) socket.destroy();
  });
}

/** The hub's error shape, so clients show the reason: JSON `{error}` plus `X-Error-Code`/`X-Error-Message`. */
function sendError(reply: FastifyReply, status: number, code: string, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  const header = message.replace(/[^\x20-\x7e]/g, "?").slice(0, 1000);
  return reply.code(status).header("X-Error-Code", code).header("X-Error-Message", header).type("application/json").send({ error: message, ...extra });
}

function sendReport(reply: FastifyReply, files: FileReport[], format: "json" | "sarif", version: string): FastifyReply {
  const report: ScanReport = { schemaVersion: 1, tool: { name: "modelvet", version }, files, summary: summarize(files) };
  const text = format === "sarif" ? renderSarif(report, RULES) : renderJson(report);
  return reply.type("application/json").send(text);
}

/** The body as text, or undefined past `max` bytes. */
async function boundedText(response: Response, max: number): Promise<string | undefined> {
  const body = await readBoundedBody(response, max);
  return "over" in body ? undefined : new TextDecoder().decode(body);
}

/** An /api path whose segments, decoded, are no `.`/`..` and carry no control characters or backslashes. */
function isPlainApiPath(pathname: string): boolean {
  try {
    const decoded = pathname.split("/").map((s) => decodeURIComponent(s)).join("/");
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    return !/[\u0000-\u001f\u007f\\]/.test(decoded) && !decoded.split("/").some((s) => s === "." || s === "..");
  } catch {
    return false;
  }
}

/**
 * `/{org}/{name}/resolve/{revision}/{path}` from the raw request URL, each segment decoded once
 * and checked: no `..`, no control characters (header injection), no empty segments.
 */
export function parseResolveUrl(rawUrl: string): FileTarget | string {
  const pathname = rawUrl.split("?")[0] ?? "";
  const segments = pathname.split("/").slice(1);
  if (segments.length < 5 || segments[2] !== "resolve") return "Expected /ORG/NAME/resolve/REVISION/PATH";
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return "Malformed percent-encoding in the path";
  }
  const [org, name, , revision, ...rest] = decoded as [string, string, string, string, ...string[]];
  const path = rest.join("/");
  const pathProblem = checkRepoPath(path);
  if (pathProblem) return pathProblem;
  const checked = checkRef({ repo: `${org}/${name}`, revision, path });
  if (!checked.ok) return checked.message;
  return { repo: checked.ref.repo, revision: checked.ref.revision, path };
}
