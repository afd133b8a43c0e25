import { readBoundedBody } from "./bounded-body.js";
import { ByteSourceError, SliceSource, checkRange, type ByteSource, type ReadStats } from "../core/byte-source.js";

/**
 * Bounds of a remote read. Everything here is either attacker-controlled (the server decides what
 * it sends) or a cost we pay per scan, so each has a name and a reason.
 */
export interface HttpLimits {
  /** Bytes per cached block: small enough that a header walk fetches little, large enough to batch (CWE-400). */
  blockBytes: number;
  /** Bytes of blocks kept between reads; older blocks are dropped first (CWE-770). */
  maxCacheBytes: number;
  /** Largest single range request; longer reads are split so no response buffers more than this (CWE-770). */
  maxRequestBytes: number;
  /** Servers that ignore Range are read whole into memory, up to this size, else refused (CWE-400). */
  maxWholeBodyBytes: number;
  /** Redirect hops per request: the hub redirects once to its CDN; a loop must end (CWE-835). */
  maxRedirects: number;
  /** Attempts per request on 429/5xx/network failure, the first included (CWE-400). */
  maxAttempts: number;
  /** Longest wait between attempts, whatever Retry-After says (CWE-400). */
  maxBackoffMillis: number;
  /** Per request: a server that stalls must not hold a scan forever (CWE-400). */
  requestTimeoutMillis: number;
}

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  blockBytes: 64 * 1024,
  maxCacheBytes: 32 * 1024 * 1024,
  maxRequestBytes: 16 * 1024 * 1024,
  maxWholeBodyBytes: 256 * 1024 * 1024,
  maxRedirects: 5,
  maxAttempts: 4,
  maxBackoffMillis: 5_000,
  requestTimeoutMillis: 60_000,
});

/** What the HTTP source counts on top of the bytes it hands out. */
export interface HttpReadStats extends ReadStats {
  /** Body bytes received from the network (cache misses, whole-body reads). */
  bytesFetched: number;
  /** HTTP requests sent, redirects and retries included. */
  requests: number;
  retries: number;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpSourceOptions {
  /** Injected so the web layer never reaches for a global; defaults to `globalThis.fetch`. */
  fetch?: FetchLike;
  /**
   * Sent as `Authorization` only to the origin of the URL given to `open` (or `credentialOrigin`):
   * the Hugging Face hub redirects file downloads to a CDN host that must never see the token.
   */
  authorization?: string;
  credentialOrigin?: string;
  /** Extra headers for every request (e.g. User-Agent). Never credentials: those go in `authorization`. */
  headers?: Record<string, string>;
  limits?: Partial<HttpLimits>;
  /** Wait between attempts; injected so tests do not sleep. */
  sleep?: (millis: number) => Promise<void>;
  signal?: AbortSignal;
}

/** Response headers of the hops to the object, kept for callers that need hub metadata. */
export interface HttpObjectInfo {
  /** URL that finally served the bytes (after redirects). */
  url: string;
  /** ETag that pins the object for the rest of the scan, when the server gave one. */
  etag: string | undefined;
  /** Headers of every hop, first request first (the hub's X-Repo-Commit, X-Linked-Etag are on hop 0). */
  hops: { url: string; status: number; headers: Headers }[];
  /** True when the server honoured Range; false when the body was read whole. */
  ranged: boolean;
}

/** A ByteSourceError that carries the HTTP status, so callers can tell 404 from 401 from a change. */
export class HttpSourceError extends ByteSourceError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly reason: "status" | "changed" | "protocol" | "network" | "too-large",
  ) {
    super(message);
    this.name = "HttpSourceError";
  }
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * A `ByteSource` over HTTP(S) range requests: a parser's `read(offset, length)` becomes a cached,
 * block-aligned `Range` request, so a 10 GB safetensors file costs its header. The object is
 * pinned by its ETag and size: a response that disagrees fails the read ("changed during scan"),
 * which the engine turns into an error verdict (fail closed).
 *
 * @example
 * const source = await HttpSource.open("https://hub/org/repo/resolve/main/model.safetensors", { authorization: `Bearer ${token}` });
 * const report = await scanSource(source, { path: "model.safetensors" });
 * source.stats.bytesFetched; // a few KiB
 */
export class HttpSource implements ByteSource {
  readonly stats: HttpReadStats = { bytesRead: 0, reads: 0, bytesFetched: 0, requests: 0, retries: 0 };
  private readonly cache = new Map<number, Uint8Array>();
  private cachedBytes = 0;
  private readonly inflight = new Map<number, Promise<Uint8Array>>();

  private constructor(
    private readonly client: HttpClient,
    readonly size: number,
    readonly info: HttpObjectInfo,
    private readonly whole: Uint8Array | undefined,
  ) {}

  /** Opens `url`: the first request fetches block 0 and learns size, ETag and range support. */
  static async open(url: string, options: HttpSourceOptions = {}): Promise<HttpSource> {
    const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
    const stats: HttpReadStats = { bytesRead: 0, reads: 0, bytesFetched: 0, requests: 0, retries: 0 };
    const client = new HttpClient(url, options, limits, stats);
    const first = await client.send(`bytes=0-${limits.blockBytes - 1}`);
    const { response, hops } = first;
    const etag = response.headers.get("etag") ?? undefined;
    const info: HttpObjectInfo = { url: first.url, etag, hops, ranged: response.status === 206 };
    let source: HttpSource;
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get("content-range"));
      if (!range || range.start !== 0 || range.total === undefined) {
        await discard(response);
        throw new HttpSourceError(`Cannot read ${quote(url)}: unusable Content-Range ${quote(response.headers.get("content-range") ?? "")}`, 206, "protocol");
      }
      const expected = Math.min(limits.blockBytes, range.total);
      if (range.end !== expected - 1) {
        await discard(response);
        throw new HttpSourceError(`Cannot read ${quote(url)}: asked for bytes 0-${expected - 1}, server sent ${range.start}-${range.end}`, 206, "protocol");
      }
      const body = await readBody(response, expected, url);
      stats.bytesFetched += body.length;
      source = new HttpSource(client, range.total, info, undefined);
      source.remember(0, body);
    } else if (response.status === 416) {
      // A zero-byte object cannot satisfy bytes=0-N; RFC 9110 says the server answers */size.
      const range = /^bytes \*\/(\d+)$/.exec(response.headers.get("content-range") ?? "");
      await discard(response);
      if (range?.[1] !== "0") throw new HttpSourceError(`Cannot read ${quote(url)}: server refused the range (416)`, 416, "protocol");
      source = new HttpSource(client, 0, info, new Uint8Array(0));
    } else {
      // 200: no range support. Read it whole, but only when it is small enough to hold.
      const declared = response.headers.get("content-length");
      if (declared !== null && Number(declared) > limits.maxWholeBodyBytes) {
        await discard(response);
        throw new HttpSourceError(
          `Cannot read ${quote(url)}: the server does not support Range requests and the file (${declared} bytes) exceeds the ${limits.maxWholeBodyBytes}-byte limit for whole downloads (limit maxWholeBodyBytes)`,
          200,
          "too-large",
        );
      }
      const body = await readBody(response, undefined, url, limits.maxWholeBodyBytes);
      stats.bytesFetched += body.length;
      source = new HttpSource(client, body.length, info, body);
    }
    Object.assign(source.stats, stats);
    client.stats = source.stats;
    client.pin = { etag, size: source.size, url: first.url };
    return source;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    const out = this.whole ? this.whole.subarray(offset, offset + length) : await this.readBlocks(offset, length);
    this.stats.bytesRead += length;
    this.stats.reads += 1;
    return out;
  }

  slice(offset: number, length: number): ByteSource {
    checkRange(this.size, offset, length);
    return new SliceSource(this, offset, length);
  }

  private async readBlocks(offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    if (length === 0) return out;
    const block = this.client.limits.blockBytes;
    const first = Math.floor(offset / block);
    const last = Math.floor((offset + length - 1) / block);
    const pending: Promise<void>[] = [];
    const place = (index: number, data: Uint8Array): void => {
      const blockStart = index * block;
      const from = Math.max(offset, blockStart);
      const to = Math.min(offset + length, blockStart + data.length);
      out.set(data.subarray(from - blockStart, to - blockStart), from - offset);
    };
    let runStart = -1;
    const flushRun = (end: number): void => {
      if (runStart < 0) return;
      for (const [index, promise] of this.fetchRun(runStart, end)) pending.push(promise.then((data) => place(index, data)));
      runStart = -1;
    };
    for (let index = first; index <= last; index++) {
      const cached = this.cache.get(index);
      const inflight = cached ? undefined : this.inflight.get(index);
      if (cached || inflight) {
        flushRun(index - 1);
        if (cached) {
          this.touch(index, cached);
          place(index, cached);
        } else if (inflight) pending.push(inflight.then((data) => place(index, data)));
      } else if (runStart < 0) runStart = index;
    }
    flushRun(last);
    await Promise.all(pending);
    return out;
  }

  /** One range request per `maxRequestBytes` of consecutive missing blocks; each block gets its own promise. */
  private fetchRun(firstBlock: number, lastBlock: number): [number, Promise<Uint8Array>][] {
    const block = this.client.limits.blockBytes;
    const perRequest = Math.max(1, Math.floor(this.client.limits.maxRequestBytes / block));
    const result: [number, Promise<Uint8Array>][] = [];
    for (let start = firstBlock; start <= lastBlock; start += perRequest) {
      const end = Math.min(lastBlock, start + perRequest - 1);
      const from = start * block;
      const to = Math.min(this.size, (end + 1) * block) - 1;
      const request = this.client.range(from, to);
      for (let index = start; index <= end; index++) {
        const promise = request.then((data) => {
          const piece = data.subarray((index - start) * block, Math.min(data.length, (index - start + 1) * block));
          // Copy so one cached block does not keep a whole 16 MiB response alive.
          const copy = end === start ? piece : piece.slice();
          this.remember(index, copy);
          return copy;
        });
        promise.catch(() => undefined).finally(() => this.inflight.delete(index));
        this.inflight.set(index, promise);
        result.push([index, promise]);
      }
    }
    return result;
  }

  private remember(index: number, data: Uint8Array): void {
    if (data.length > this.client.limits.maxCacheBytes) return;
    const old = this.cache.get(index);
    if (old) this.cachedBytes -= old.length;
    this.cache.set(index, data);
    this.cachedBytes += data.length;
    for (const [key, value] of this.cache) {
      if (this.cachedBytes <= this.client.limits.maxCacheBytes) break;
      this.cache.delete(key);
      this.cachedBytes -= value.length;
    }
  }

  /** Map order is insertion order: re-inserting makes the block the most recently used. */
  private touch(index: number, data: Uint8Array): void {
    this.cache.delete(index);
    this.cache.set(index, data);
  }
}

/** Requests with manual redirects, credential scoping, retries and the ETag pin. */
class HttpClient {
  readonly limits: HttpLimits;
  pin: { etag: string | undefined; size: number; url: string } | undefined;
  private readonly fetchImpl: FetchLike;
  private readonly credentialOrigin: string;
  private readonly sleep: (millis: number) => Promise<void>;

  constructor(
    private readonly url: string,
    private readonly options: HttpSourceOptions,
    limits: HttpLimits,
    public stats: HttpReadStats,
  ) {
    this.limits = limits;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.credentialOrigin = options.credentialOrigin ?? originOf(url);
    this.sleep = options.sleep ?? ((millis) => new Promise((resolve) => setTimeout(resolve, millis)));
  }

  /** Bytes `from`..`to` inclusive of the pinned object, exactly, or throws. */
  async range(from: number, to: number): Promise<Uint8Array> {
    const pin = this.pin as NonNullable<HttpClient["pin"]>;
    // Go straight to where the bytes were (the CDN), skipping the hub's redirect hop; when a signed
    // CDN URL has expired, start again from the original URL once.
    const { response } = await this.send(`bytes=${from}-${to}`, pin.url).catch(async (error: unknown) => {
      if (pin.url !== this.url && error instanceof HttpSourceError && (error.status === 401 || error.status === 403 || error.status === 410)) {
        return this.send(`bytes=${from}-${to}`, this.url);
      }
      throw error;
    });
    this.checkPinned(response);
    if (response.status !== 206) {
      await discard(response);
      throw new HttpSourceError(`Cannot read ${quote(this.url)}: the server answered ${response.status} to a range request it honoured before`, response.status, "protocol");
    }
    const range = parseContentRange(response.headers.get("content-range"));
    if (!range || range.start !== from || range.end !== to) {
      await discard(response);
      throw new HttpSourceError(`Cannot read ${quote(this.url)}: asked for bytes ${from}-${to}, server sent ${response.headers.get("content-range") ?? "no Content-Range"}`, 206, "protocol");
    }
    if (range.total !== pin.size) {
      await discard(response);
      throw changed(this.url, `size ${pin.size} became ${String(range.total)}`);
    }
    const body = await readBody(response, to - from + 1, this.url);
    this.stats.bytesFetched += body.length;
    return body;
  }

  /** Sends one GET with `Range`, following redirects and retrying; returns the final response unread. */
  async send(range: string, start = this.url): Promise<{ response: Response; url: string; hops: HttpObjectInfo["hops"] }> {
    let url = start;
    const hops: HttpObjectInfo["hops"] = [];
    for (let hop = 0; hop <= this.limits.maxRedirects; hop++) {
      const response = await this.attempt(url, range);
      hops.push({ url, status: response.status, headers: response.headers });
      if (!REDIRECT_STATUSES.has(response.status)) {
        if (response.status === 412) {
          await discard(response);
          throw changed(this.url, "the server says the pinned ETag no longer matches (412)");
        }
        if (response.status >= 400 && response.status !== 416) {
          await discard(response);
          throw new HttpSourceError(`Cannot read ${quote(this.url)}: ${statusText(response.status)}`, response.status, "status");
        }
        return { response, url, hops };
      }
      const location = response.headers.get("location");
      await discard(response);
      if (!location) throw new HttpSourceError(`Cannot read ${quote(this.url)}: redirect ${response.status} without a Location`, response.status, "protocol");
      const next = new URL(location, url);
      if (next.protocol !== "https:" && next.protocol !== "http:") {
        throw new HttpSourceError(`Cannot read ${quote(this.url)}: redirect to unsupported scheme ${quote(next.protocol)}`, response.status, "protocol");
      }
      if (new URL(url).protocol === "https:" && next.protocol === "http:") {
        throw new HttpSourceError(`Cannot read ${quote(this.url)}: refusing a redirect from https to http (${quote(next.origin)})`, response.status, "protocol");
      }
      url = next.href;
    }
    throw new HttpSourceError(`Cannot read ${quote(this.url)}: more than ${this.limits.maxRedirects} redirects (limit maxRedirects)`, undefined, "protocol");
  }

  /** One request to one URL, retried on 429/5xx and network failures with bounded backoff. */
  private async attempt(url: string, range: string): Promise<Response> {
    const headers: Record<string, string> = { ...this.options.headers, Range: range, "Accept-Encoding": "identity" };
    // Credentials only to the origin they were given for: the CDN behind a hub redirect never sees them.
    if (this.options.authorization && originOf(url) === this.credentialOrigin) headers.Authorization = this.options.authorization;
    const etag = this.pin?.etag;
    // If-Match needs a strong validator (RFC 9110 13.1.1); weak ones are compared per response instead.
    if (etag && !etag.startsWith("W/") && this.pin && originOf(url) === originOf(this.pin.url)) headers["If-Match"] = etag;
    let lastError = "";
    for (let attempt = 1; attempt <= this.limits.maxAttempts; attempt++) {
      if (attempt > 1) this.stats.retries += 1;
      this.stats.requests += 1;
      let response: Response;
      try {
        const signals = [AbortSignal.timeout(this.limits.requestTimeoutMillis), ...(this.options.signal ? [this.options.signal] : [])];
        response = await this.fetchImpl(url, { method: "GET", headers, redirect: "manual", signal: AbortSignal.any(signals) });
      } catch (error) {
        if (this.options.signal?.aborted) throw error;
        lastError = `network error: ${(error as Error).message}`;
        if (attempt < this.limits.maxAttempts) await this.sleep(this.backoff(attempt, undefined));
        continue;
      }
      if (!RETRY_STATUSES.has(response.status)) return response;
      lastError = statusText(response.status);
      const retryAfter = response.headers.get("retry-after");
      await discard(response);
      if (attempt < this.limits.maxAttempts) await this.sleep(this.backoff(attempt, retryAfter));
    }
    throw new HttpSourceError(`Cannot read ${quote(this.url)}: ${lastError} after ${this.limits.maxAttempts} attempts (limit maxAttempts)`, undefined, "network");
  }

  /** Exponential from 250 ms, or the server's Retry-After in seconds, capped either way. */
  private backoff(attempt: number, retryAfter: string | null | undefined): number {
    const asked = retryAfter !== null && retryAfter !== undefined && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
    return Math.min(this.limits.maxBackoffMillis, asked ?? 250 * 2 ** (attempt - 1));
  }

  private checkPinned(response: Response): void {
    const pin = this.pin;
    const etag = response.headers.get("etag") ?? undefined;
    if (pin?.etag !== undefined && etag !== pin.etag) {
      throw changed(this.url, `ETag ${quote(pin.etag)} became ${etag === undefined ? "absent" : quote(etag)}`);
    }
  }
}

function changed(url: string, what: string): HttpSourceError {
  return new HttpSourceError(`Cannot read ${quote(url)}: the file changed during scan (${what}); not scanned`, undefined, "changed");
}

/** `bytes 0-99/1234` → numbers; `*` total → undefined total. */
export function parseContentRange(value: string | null): { start: number; end: number; total: number | undefined } | undefined {
  const match = /^bytes (\d{1,16})-(\d{1,16})\/(\d{1,16}|\*)$/.exec(value?.trim() ?? "");
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]);
  const total = match[3] === "*" ? undefined : Number(match[3]);
  if (end < start || (total !== undefined && end >= total)) return undefined;
  return { start, end, total };
}

/**
 * Reads a body of exactly `expected` bytes (or, with `expected` undefined, at most `max`), and
 * stops as soon as the server sends more than that: its word on length is not trusted.
 */
async function readBody(response: Response, expected: number | undefined, url: string, max = expected ?? 0): Promise<Uint8Array> {
  const limit = expected ?? max;
  if (!response.body && expected !== undefined && expected !== 0) {
    throw new HttpSourceError(`Cannot read ${quote(url)}: empty response body`, response.status, "protocol");
  }
  const body = await readBoundedBody(response, limit);
  if ("over" in body) {
    if (expected === undefined) {
      throw new HttpSourceError(`Cannot read ${quote(url)}: the server does not support Range requests and the body exceeds the ${limit}-byte limit for whole downloads (limit maxWholeBodyBytes)`, response.status, "too-large");
    }
    throw new HttpSourceError(`Cannot read ${quote(url)}: the server sent more than the ${expected} bytes asked for`, response.status, "protocol");
  }
  if (expected !== undefined && body.length !== expected) {
    throw new HttpSourceError(`Cannot read ${quote(url)}: the server sent ${body.length} of ${expected} bytes`, response.status, "protocol");
  }
  return body;
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

function originOf(url: string): string {
  return new URL(url).origin;
}

function statusText(status: number): string {
  switch (status) {
    case 401:
      return "401 unauthorized (a token is needed, or the token is not allowed to read this repository)";
    case 403:
      return "403 forbidden";
    case 404:
      return "404 not found";
    case 429:
      return "429 too many requests";
    default:
      return `HTTP ${status}`;
  }
}

function quote(value: string): string {
  return JSON.stringify(value);
}
