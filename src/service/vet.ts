import { createHash } from "node:crypto";
import { MemorySource, type ByteSource } from "../core/byte-source.js";
import { atLeast, type FileReport } from "../core/finding.js";
import { scanSource } from "../engine/scan.js";
import type { Policy } from "../policy/policy.js";
import { readBoundedBody } from "../web/bounded-body.js";
import { resolvePath } from "../web/hf-ref.js";
import { HttpSource, HttpSourceError, type HttpLimits } from "../web/http-source.js";
import type { Metrics } from "./metrics.js";
import type { StoredVerdict } from "./store.js";
import { withTimeout } from "./timeout.js";

/** Bounds of the gate's own work per request. */
export interface GateLimits {
  /** Files outside LFS are read whole (they are small on the hub), up to this size, then refused (CWE-400). */
  maxInlineFileBytes: number;
  /**
   * Bytes of such files the gate holds at once for the pulls in flight; a pull past it answers 503
   * with Retry-After (CWE-400, CWE-770). Each pull reads its file anew and holds it until its
   * answer is out: without a sum, pulls nobody reads held memory without bound.
   */
  maxInlineBytesInFlight: number;
  /** One upstream round trip (CWE-400). */
  upstreamTimeoutMillis: number;
  /** One file's scan; past it the pull fails with 504 and nothing is cached (CWE-400). */
  scanTimeoutMillis: number;
  /** Bytes of one upload to the scan API (CWE-400). */
  maxUploadBytes: number;
  /** Requests per minute per token unless the token says otherwise (CWE-770). */
  ratePerMinute: number;
  /**
   * Scan API requests (uploads, remote scans) at once; past it 503 with Retry-After (CWE-770).
   * Each scans in the gate's own process, a remote scan a whole repo: the per-minute rate alone
   * let one token start thousands that run on together.
   */
  maxScanRequests: number;
  /**
   * Of those, what one caller (a token, or an address without one) may run at once; past it 429
   * with Retry-After (CWE-770): without a share, one token's burst took every room and the other
   * callers got 503 until it ended.
   */
  maxScanRequestsPerCaller: number;
  /**
   * A client's request head (method, path, headers) must have arrived within this long of its
   * start, or of the connection's when it is the first (CWE-400, slowloris). Node's headersTimeout
   * only starts at a request's first byte: a connection that sent nothing was kept without end.
   */
  requestHeadMillis: number;
  /**
   * A whole request, an upload's body included, must have arrived within this long (CWE-400): a
   * 2 GiB upload needs 1.2 MB/s. Node's requestTimeout, which Fastify turns off by default.
   */
  requestMillis: number;
  /**
   * A client connection on which no byte moves either way for this long is closed (CWE-400): a
   * client that stopped reading its download, or an upload that stalled. Longer than a pull's
   * longest quiet wait at the other limits (resolving with retries, the scan, the stream's start:
   * about 9 minutes at worst).
   */
  clientIdleMillis: number;
}

export const DEFAULT_GATE_LIMITS: Readonly<GateLimits> = Object.freeze({
  maxInlineFileBytes: 64 * 1024 * 1024,
  maxInlineBytesInFlight: 512 * 1024 * 1024,
  upstreamTimeoutMillis: 30_000,
  scanTimeoutMillis: 120_000,
  maxUploadBytes: 2 * 1024 ** 3,
  ratePerMinute: 6_000,
  maxScanRequests: 8,
  maxScanRequestsPerCaller: 4,
  requestHeadMillis: 60_000,
  requestMillis: 30 * 60_000,
  clientIdleMillis: 10 * 60_000,
});

/**
 * What is wrong with a set of gate limits, or undefined: each must be a whole number of at least
 * 1, and they must not contradict each other where the gate would then refuse everything (a file
 * outside LFS larger than the room for all of them) or Node would refuse to start (a head bound
 * longer than the whole request's).
 */
export function gateLimitsProblem(limits: Readonly<GateLimits>): string | undefined {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || (value as number) < 1) return `The gate limit ${name} must be a whole number of at least 1, got ${JSON.stringify(value)}`;
  }
  if (limits.requestHeadMillis > limits.requestMillis) return `The gate limit requestHeadMillis (${limits.requestHeadMillis}) must not be longer than requestMillis (${limits.requestMillis})`;
  if (limits.maxInlineFileBytes > limits.maxInlineBytesInFlight) return `The gate limit maxInlineFileBytes (${limits.maxInlineFileBytes}) must not be larger than maxInlineBytesInFlight (${limits.maxInlineBytesInFlight})`;
  return undefined;
}

/** The names of the gate's limits, for `modelvet serve --limit NAME=VALUE`. */
export const GATE_LIMIT_NAMES = Object.keys(DEFAULT_GATE_LIMITS) as readonly (keyof GateLimits)[];

export interface PolicyContext {
  policy: Policy;
  /** sha256 of the policy document(s), part of every cache key. */
  digest: string;
}

export interface VetterOptions {
  upstream: string;
  /** The gate's own credential for the upstream hub; a client's token is never forwarded. */
  upstreamToken?: string;
  metrics: Metrics;
  toolVersion: string;
  limits: GateLimits;
  http?: Partial<HttpLimits>;
}

export interface FileTarget {
  repo: string;
  revision: string;
  path: string;
}

/** Where an upstream file's bytes are, and what identifies them. */
export type ResolvedFile =
  | { kind: "lfs"; commit: string; digest: string; sha256: string; size: number; url: string; etag: string }
  | { kind: "inline"; commit: string; digest: string; sha256: string; size: number; bytes: Uint8Array; etag: string };

/** Room for the bytes of files outside LFS, taken by a pull before it reads one (maxInlineBytesInFlight). */
export interface InlineBudget {
  readonly max: number;
  /** Takes `bytes` for the caller until its answer is out: the part taken, or undefined when they do not fit. */
  take(bytes: number): HeldRoom | undefined;
}

/** What one request holds of a bounded room (bytes, requests) until its answer is out. */
export interface HeldRoom {
  /** Keeps only `amount` of it (a file's size, once read), giving the rest back now. */
  keep(amount: number): void;
}

/** The upstream said no (404, 401, 403) or failed (5xx, timeout): answered as such, never as a pass. */
export class UpstreamError extends Error {
  constructor(
    message: string,
    /** Status the gate answers with. */
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "UpstreamError";
  }
}

/**
 * Resolves hub files on the upstream and scans them. Caching, single flight and storage are the
 * job runner's and the queue's (job-runner.ts, queue-local.ts, queue-bullmq.ts).
 */
export class Vetter {
  private readonly upstream: string;

  /** The modelvet version verdicts are keyed by. */
  get toolVersion(): string {
    return this.options.toolVersion;
  }

  constructor(private readonly options: VetterOptions) {
    this.upstream = options.upstream.replace(/\/+$/, "");
  }

  /** The resolve URL on the upstream for `target`. */
  resolveUrl(target: FileTarget): string {
    return `${this.upstream}${resolvePath(target, target.path)}`;
  }

  upstreamHeaders(): Record<string, string> {
    return this.options.upstreamToken ? { Authorization: `Bearer ${this.options.upstreamToken}` } : {};
  }

  /**
   * Asks the upstream where the file is: LFS files answer with a redirect carrying their sha256;
   * small files are read whole here, hashed, and served from these very bytes.
   */
  async resolve(target: FileTarget, budget?: InlineBudget): Promise<ResolvedFile> {
    let url = this.resolveUrl(target);
    for (let hop = 0; ; hop++) {
      const result = await this.resolveAt(url, target, budget);
      if (typeof result !== "string") return result;
      // A relative redirect on the hub itself (a renamed repo): follow it, as huggingface_hub does.
      if (hop >= 3) throw new UpstreamError(`Cannot vet ${target.repo}/${target.path}: more than 3 redirects on the upstream; not served`, 502, undefined);
      url = result;
    }
  }

  /** The resolved file, or the URL of a same-origin redirect to follow. */
  private async resolveAt(url: string, target: FileTarget, budget: InlineBudget | undefined): Promise<ResolvedFile | string> {
    let response: Response | undefined;
    let lastProblem = "";
    for (let attempt = 1; attempt <= 3 && response === undefined; attempt++) {
      try {
        const r = await fetch(url, {
          headers: { ...this.upstreamHeaders(), "Accept-Encoding": "identity" },
          redirect: "manual",
          signal: AbortSignal.timeout(this.options.limits.upstreamTimeoutMillis),
        });
        if (r.status === 429 || r.status >= 500) {
          lastProblem = `upstream answered ${r.status}`;
          await r.body?.cancel().catch(() => undefined);
          continue;
        }
        response = r;
      } catch (error) {
        lastProblem = (error as Error).name === "TimeoutError" ? "upstream timed out" : `upstream unreachable: ${(error as Error).message}`;
      }
    }
    if (!response) {
      this.options.metrics.add("modelvet_gate_upstream_errors_total");
      throw new UpstreamError(`Cannot vet ${target.repo}/${target.path}: ${lastProblem}; not served`, lastProblem.includes("timed out") ? 504 : 502, undefined);
    }
    const commit = response.headers.get("x-repo-commit") ?? "";
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      const linked = /^(?:W\/)?"?([0-9a-f]{64})"?$/.exec(response.headers.get("x-linked-etag") ?? "")?.[1];
      const size = Number(response.headers.get("x-linked-size"));
      const location = response.headers.get("location");
      if (!linked && location) {
        const next = new URL(location, url);
        if (next.origin === new URL(this.upstream).origin) return next.href;
      }
      if (!linked || !location || !Number.isSafeInteger(size)) {
        throw new UpstreamError(`Cannot vet ${target.repo}/${target.path}: the upstream redirected without an LFS sha256 and size; not served`, 502, undefined);
      }
      return { kind: "lfs", commit, digest: `sha256:${linked}`, sha256: linked, size, url: new URL(location, url).href, etag: `"${linked}"` };
    }
    if (response.status === 200) {
      const max = this.options.limits.maxInlineFileBytes;
      const declared = Number(response.headers.get("content-length") ?? Number.NaN);
      if (declared > max) {
        await response.body?.cancel().catch(() => undefined);
        throw new UpstreamError(`Cannot vet ${target.path}: a file outside LFS of ${declared} bytes exceeds ${max} bytes (limit maxInlineFileBytes); not served`, 502, undefined);
      }
      // Taken before reading: the bytes the upstream declares (fetch refuses a body longer than
      // its Content-Length), or the most a file may have when it declares none.
      const part = budget?.take(Number.isSafeInteger(declared) && declared >= 0 ? declared : max);
      if (budget && !part) {
        await response.body?.cancel().catch(() => undefined);
        throw new UpstreamError(`Cannot vet ${target.repo}/${target.path} now: files outside LFS in flight would exceed ${budget.max} bytes (limit maxInlineBytesInFlight); retry shortly`, 503, "GateBusy");
      }
      const bytes = await readBoundedBody(response, max);
      if ("over" in bytes) throw new UpstreamError(`Cannot vet ${target.path}: a file outside LFS exceeds ${max} bytes (limit maxInlineFileBytes); not served`, 502, undefined);
      // A file without a Content-Length took the most a file may have: it holds its size from now.
      part?.keep(bytes.length);
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      return { kind: "inline", commit, digest: `sha256:${sha256}`, sha256, size: bytes.length, bytes, etag: response.headers.get("etag") ?? `"${sha256}"` };
    }
    await response.body?.cancel().catch(() => undefined);
    const code = response.headers.get("x-error-code") ?? undefined;
    const message = response.headers.get("x-error-message") ?? `upstream answered ${response.status}`;
    // 4xx pass through with the hub's error code: clients tell a missing optional file (EntryNotFound) from a failure by it.
    const status = response.status >= 400 && response.status < 500 ? response.status : 502;
    throw new UpstreamError(message, status, code);
  }

  /**
   * Scans `file` in this process, as the embedded gate always has: the bytes in hand for a small
   * file, ranged reads for an LFS file. An I/O failure comes back as an `io-error` in the report.
   */
  async scanFile(file: ResolvedFile, name: string, policy: PolicyContext): Promise<FileReport> {
    const started = Date.now();
    let source: ByteSource;
    if (file.kind === "inline") source = new MemorySource(file.bytes);
    else {
      try {
        source = await HttpSource.open(file.url, { ...this.remoteAccess(file.url), limits: { requestTimeoutMillis: this.options.limits.upstreamTimeoutMillis, ...this.options.http } });
      } catch (error) {
        this.options.metrics.add("modelvet_gate_upstream_errors_total");
        if (error instanceof HttpSourceError) throw new UpstreamError(`Cannot vet ${name}: ${error.message}`, 502, undefined);
        throw error;
      }
      if (source.size !== file.size) throw new UpstreamError(`Cannot vet ${name}: the upstream said ${file.size} bytes, the CDN holds ${source.size}; not served`, 502, undefined);
    }
    const report = await withTimeout(
      scanSource(source, { path: name, policy: policy.policy, limits: { maxMillisPerFile: this.options.limits.scanTimeoutMillis } }),
      this.options.limits.scanTimeoutMillis + 5_000,
      () => new UpstreamError(`Scanning ${name} took longer than ${this.options.limits.scanTimeoutMillis} ms (limit scanTimeoutMillis); not served`, 504, undefined),
    );
    if (source instanceof HttpSource) report.bytesFetched = source.stats.bytesFetched;
    this.options.metrics.add("modelvet_gate_scan_seconds_sum", {}, (Date.now() - started) / 1000);
    return report;
  }

  /** The credential for `url`: the gate's own, sent only to the upstream's origin (never to the CDN). */
  remoteAccess(url: string): { authorization: string | undefined; credentialOrigin: string } {
    const sameOrigin = new URL(url).origin === new URL(this.upstream).origin;
    return { authorization: sameOrigin && this.options.upstreamToken ? `Bearer ${this.options.upstreamToken}` : undefined, credentialOrigin: new URL(this.upstream).origin };
  }
}

/** The gate's rule, as `scan --fail-on`: any finding at or above the policy's failOn, or any error, blocks. */
export function isAllowed(report: FileReport, policy: Policy): boolean {
  return report.verdict !== "error" && report.errors.length === 0 && !report.findings.some((f) => atLeast(f.severity, policy.failOn));
}

export function verdictRecord(key: string, digest: string, policy: PolicyContext, toolVersion: string, report: FileReport): StoredVerdict {
  return {
    key,
    digest,
    policyDigest: policy.digest,
    toolVersion,
    verdict: report.verdict,
    allowed: isAllowed(report, policy.policy),
    rules: [...new Set(report.findings.filter((f) => f.severity !== "info").map((f) => f.ruleId))],
    report: JSON.stringify(report),
    createdAt: new Date().toISOString(),
  };
}

