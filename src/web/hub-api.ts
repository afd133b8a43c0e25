import { readBoundedBody } from "./bounded-body.js";
import { checkRepoPath, type HfRef } from "./hf-ref.js";
import type { FetchLike } from "./http-source.js";

/** Bounds on what a hub's API may send us (the hub may be hostile or broken). */
export interface HubApiLimits {
  /** Files listed per repo; a listing beyond it fails rather than scanning a subset (CWE-770). */
  maxFiles: number;
  /** Bytes of one JSON answer (CWE-400). */
  maxJsonBytes: number;
  /** Pages of a paginated tree listing (CWE-835). */
  maxPages: number;
  /** Attempts per API call on 429/5xx (CWE-400). */
  maxAttempts: number;
  requestTimeoutMillis: number;
}

export const DEFAULT_HUB_API_LIMITS: Readonly<HubApiLimits> = Object.freeze({
  maxFiles: 100_000,
  maxJsonBytes: 64 * 1024 * 1024,
  maxPages: 1_000,
  maxAttempts: 4,
  requestTimeoutMillis: 60_000,
});

/** Longest wait between attempts, whatever Retry-After says (CWE-400). */
const MAX_BACKOFF_MILLIS = 5_000;

export interface HubClientOptions {
  /** Hub base URL (`HF_ENDPOINT`), e.g. `https://huggingface.co`. */
  endpoint: string;
  /** Sent as a bearer token to the endpoint's origin only. */
  token?: string;
  fetch?: FetchLike;
  sleep?: (millis: number) => Promise<void>;
  limits?: Partial<HubApiLimits>;
}

export interface HubFile {
  path: string;
  size: number;
  /** Git blob id (small files) or the pointer's id (LFS files). */
  oid: string;
  /** The content sha256, for files in LFS: a content digest we get without reading the file. */
  lfsSha256?: string;
}

export interface HubListing {
  repo: string;
  /** The revision asked for (branch, tag or commit). */
  revision: string;
  /** The commit it resolved to: every file is read at this commit, so a push mid-scan changes nothing. */
  commit: string;
  files: HubFile[];
}

/** The hub answered with an error; `code` is its `X-Error-Code` (RepoNotFound, RevisionNotFound, GatedRepo …). */
export class HubApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "HubApiError";
  }
}

/**
 * Resolves a revision to its commit and lists the repo's files there (recursively), keeping only
 * `ref.path` (a file, or a folder and everything under it) when given.
 *
 * @example
 * const listing = await listHubFiles({ repo: "org/model", revision: "main", path: "" }, { endpoint: "https://huggingface.co" });
 */
export async function listHubFiles(ref: HfRef, options: HubClientOptions): Promise<HubListing> {
  const limits = { ...DEFAULT_HUB_API_LIMITS, ...options.limits };
  const base = options.endpoint.replace(/\/+$/, "");
  const info = await getJson(`${base}/api/models/${ref.repo}/revision/${encodeURIComponent(ref.revision)}`, options, limits);
  const commit = (info as { sha?: unknown } | null)?.sha;
  if (typeof commit !== "string" || !/^[0-9a-f]{40}$/.test(commit)) throw new HubApiError(`The hub gave no commit sha for ${ref.repo}@${ref.revision}`, undefined, undefined);
  const files: HubFile[] = [];
  let url: string | undefined = `${base}/api/models/${ref.repo}/tree/${commit}?recursive=true`;
  for (let page = 0; url !== undefined; page++) {
    if (page >= limits.maxPages) throw new HubApiError(`More than ${limits.maxPages} pages in the listing of ${ref.repo} (limit maxPages)`, undefined, undefined);
    const { body, next } = await getJsonPage(url, options, limits);
    if (!Array.isArray(body)) throw new HubApiError(`The hub's tree listing of ${ref.repo} is not an array`, undefined, undefined);
    for (const entry of body) {
      const file = toHubFile(entry);
      if (!file) continue;
      if (files.length >= limits.maxFiles) throw new HubApiError(`More than ${limits.maxFiles} files in ${ref.repo} (limit maxFiles)`, undefined, undefined);
      files.push(file);
    }
    url = next;
  }
  const wanted = ref.path === "" ? files : files.filter((f) => f.path === ref.path || f.path.startsWith(`${ref.path}/`));
  if (ref.path !== "" && wanted.length === 0) throw new HubApiError(`No file or folder ${JSON.stringify(ref.path)} in ${ref.repo} at ${commit}`, 404, "EntryNotFound");
  return { repo: ref.repo, revision: ref.revision, commit, files: wanted };
}

/** Entries are attacker-shaped JSON: keep only well-formed files with safe paths. */
function toHubFile(entry: unknown): HubFile | undefined {
  if (typeof entry !== "object" || entry === null) return undefined;
  const e = entry as { type?: unknown; path?: unknown; size?: unknown; oid?: unknown; lfs?: { oid?: unknown } };
  if (e.type !== "file" || typeof e.path !== "string" || typeof e.size !== "number" || !Number.isSafeInteger(e.size) || e.size < 0) return undefined;
  if (checkRepoPath(e.path) !== undefined) {
    throw new HubApiError(`The hub listed an unsafe file path ${JSON.stringify(e.path)}`, undefined, undefined);
  }
  const sha = typeof e.lfs?.oid === "string" && /^[0-9a-f]{64}$/.test(e.lfs.oid) ? e.lfs.oid : undefined;
  return { path: e.path, size: e.size, oid: typeof e.oid === "string" ? e.oid : "", ...(sha ? { lfsSha256: sha } : {}) };
}

async function getJson(url: string, options: HubClientOptions, limits: HubApiLimits): Promise<unknown> {
  return (await getJsonPage(url, options, limits)).body;
}

async function getJsonPage(url: string, options: HubClientOptions, limits: HubApiLimits): Promise<{ body: unknown; next: string | undefined }> {
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const endpointOrigin = new URL(options.endpoint).origin;
  if (new URL(url).origin !== endpointOrigin) throw new HubApiError(`Refusing to follow the hub to another origin: ${JSON.stringify(url)}`, undefined, undefined);
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let last = "";
  for (let attempt = 1; attempt <= limits.maxAttempts; attempt++) {
    let response: Response;
    try {
      response = await fetchImpl(url, { headers, redirect: "error", signal: AbortSignal.timeout(limits.requestTimeoutMillis) });
    } catch (error) {
      last = `network error: ${(error as Error).message}`;
      if (attempt < limits.maxAttempts) await sleep(250 * 2 ** (attempt - 1));
      continue;
    }
    if (response.status === 429 || response.status >= 500) {
      last = `HTTP ${response.status}`;
      const retryAfter = response.headers.get("retry-after");
      await response.body?.cancel().catch(() => undefined);
      const asked = retryAfter !== null && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
      if (attempt < limits.maxAttempts) await sleep(Math.min(MAX_BACKOFF_MILLIS, asked ?? 250 * 2 ** (attempt - 1)));
      continue;
    }
    const text = await readText(response, limits.maxJsonBytes, url);
    if (!response.ok) {
      const code = response.headers.get("x-error-code") ?? undefined;
      const message = response.headers.get("x-error-message") ?? errorField(text) ?? `HTTP ${response.status}`;
      throw new HubApiError(`${response.status} from ${url}: ${message}`, response.status, code);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HubApiError(`The hub answered ${url} with malformed JSON`, response.status, undefined);
    }
    const link = response.headers.get("link");
    const next = link ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
    return { body, next };
  }
  throw new HubApiError(`${url}: ${last} after ${limits.maxAttempts} attempts (limit maxAttempts)`, undefined, undefined);
}

function errorField(text: string): string | undefined {
  try {
    const value = (JSON.parse(text) as { error?: unknown }).error;
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

async function readText(response: Response, max: number, url: string): Promise<string> {
  const body = await readBoundedBody(response, max);
  if ("over" in body) throw new HubApiError(`The hub's answer to ${url} exceeds ${max} bytes (limit maxJsonBytes)`, response.status, undefined);
  return new TextDecoder().decode(body);
}
