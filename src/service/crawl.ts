/**
 * `modelvet crawl`: lists an organisation, a list of repos or the whole hub through
 * `@huggingface/hub`, and enqueues one ScanJob per file at the commit each repo resolved to.
 * Resumable: the listing cursor and counts are saved after every repo, so a restart continues
 * where the last save left off and does not re-enqueue repos already done.
 *
 * Which files: every file of the repo, whatever its name. modelvet decides what a file is from its
 * bytes (a pickle named `README.md` is still a pickle, and `trust_remote_code` or a config can
 * point a loader at any path), so a name-based filter would be a way past the crawl. The cost
 * stays small: small files are read whole once and most are byte-identical across repos (one
 * verdict per digest), and large (LFS) files are read by range, header and index only. A file
 * whose LFS sha256 already has a verdict under this policy and version is not enqueued at all:
 * its result is recorded from storage.
 */
import { randomBytes } from "node:crypto";
import { listFiles, listModels, modelInfo } from "@huggingface/hub";
import { checkRef } from "../web/hf-ref.js";
import { readBoundedBody } from "../web/bounded-body.js";
import type { CrawlState, JobQueue, ResultStore, ScanJob } from "./jobs.js";
import type { VerdictStore } from "./store.js";

/** What to crawl. */
export type CrawlTarget = { kind: "org"; org: string } | { kind: "repos"; repos: string[] } | { kind: "hub" };

/** Repos listed at once by default: the hub answers each tree in ~100 ms, one at a time would take days for the whole hub. */
export const DEFAULT_LISTING_CONCURRENCY = 8;
/** Done repos held behind a slow one, as a multiple of the concurrency: bounds the cursor's list of done repos. */
const WINDOW_SLACK = 4;
/** Jobs are enqueued in batches of this many: memory holds one batch, never a repo's whole listing. */
const ENQUEUE_BATCH = 500;
/** One page of a listing (models or a repo's tree) read into memory at most; the hub's pages are far smaller (CWE-400). */
const MAX_LISTING_PAGE_BYTES = 32 * 1024 * 1024;
/** Repos in a `--repos` list: the list is kept in the crawl's saved target (CWE-400). */
export const MAX_REPOS_IN_LIST = 100_000;
/** Attempts per listing request on 429, 5xx and network errors before the crawl stops (resumable). */
const MAX_LISTING_ATTEMPTS = 5;
/** Longest wait between attempts, whatever Retry-After asks. */
const MAX_RETRY_WAIT_MILLIS = 60_000;
/** Wait before the first retry when the upstream gives no Retry-After; doubles each time. */
const RETRY_BASE_MILLIS = 500;

export interface CrawlOptions {
  /** Hub base URL, e.g. https://huggingface.co. */
  upstream: string;
  /** The crawler's own upstream credential; sent to the upstream's origin only. */
  token?: string;
  queue: JobQueue;
  store: VerdictStore & ResultStore;
  /** Digest of the policy jobs are judged under (see policyContextOf). */
  policyDigest: string;
  toolVersion: string;
  /** Stops the crawl between requests; its state stays resumable. */
  signal?: AbortSignal;
  /** Called after every repo (and on the last save), e.g. for a progress line. */
  onProgress?: (state: CrawlExtendedState) => void;
  /**
   * Called once the listing is done and every job is queued; when given, the crawl waits for it
   * (e.g. the in-process queue draining) and then reports `done`, else it ends as `queued`.
   */
  waitForJobs?: () => Promise<void>;
  /** Repos listed and enqueued at once (default DEFAULT_LISTING_CONCURRENCY). */
  listingConcurrency?: number;
  /** Awaited before every enqueue: an in-process queue makes the listing wait here while its backlog is full. */
  backpressure?: () => Promise<void>;
}

/**
 * CrawlState plus counts the crawler keeps beside the contract's (additive, all optional, so a
 * store that drops them only loses these counts on resume).
 */
export interface CrawlExtendedState extends CrawlState {
  /** Files whose LFS sha256 already had a verdict: recorded from storage, not enqueued. */
  filesKnown?: number;
  /** Repos skipped because the hub refused them (gone, gated, private) or their id is invalid. */
  reposSkipped?: number;
  /** Why the crawl failed, or the last repo skipped. */
  lastError?: string;
  /** The policy its jobs are judged under: a resume must use the same one. */
  policyDigest?: string;
}

/** The listing position, saved as the opaque `cursor`. */
type Cursor =
  /** The page being read (undefined: the first), the last repo on it before which all are done, and done repos after that one. */
  | { page?: string; after?: string; done?: string[] }
  /** Index of the first repo of a `repos:` target not done, and the indices of done ones after it. */
  | { index: number; done?: string[] };

/** `org:<name>`, `repos:<a,b,c>` or `hub`, as CrawlState.target. */
export function formatTarget(target: CrawlTarget): string {
  if (target.kind === "org") return `org:${target.org}`;
  if (target.kind === "repos") return `repos:${target.repos.join(",")}`;
  return "hub";
}

/** The target a saved crawl was started with; a message when it is not one. */
export function parseTarget(text: string): CrawlTarget | string {
  if (text === "hub") return { kind: "hub" };
  if (text.startsWith("org:")) {
    const org = text.slice(4);
    const checked = checkRef({ repo: `${org}/x`, revision: "main", path: "" });
    return checked.ok ? { kind: "org", org } : `Invalid organisation ${JSON.stringify(org)}`;
  }
  if (text.startsWith("repos:")) {
    const repos = text.slice(6).split(",").map((r) => r.trim()).filter((r) => r !== "");
    if (repos.length === 0) return "No repos given";
    if (repos.length > MAX_REPOS_IN_LIST) return `${repos.length} repos exceed ${MAX_REPOS_IN_LIST} (limit MAX_REPOS_IN_LIST)`;
    const bad = repos.find((r) => !checkRef({ repo: r, revision: "main", path: "" }).ok);
    return bad === undefined ? { kind: "repos", repos } : `Invalid repo id ${JSON.stringify(bad)}: expected ORG/NAME`;
  }
  return `Unknown crawl target ${JSON.stringify(text)}: expected org:NAME, repos:A/B,C/D or hub`;
}

/**
 * Starts a crawl: saves its state, then lists and enqueues until done, aborted or failed.
 *
 * @example
 * const state = await startCrawl({ kind: "org", org: "acme" }, { upstream, queue, store, policyDigest, toolVersion });
 */
export async function startCrawl(target: CrawlTarget, options: CrawlOptions): Promise<CrawlExtendedState> {
  const now = new Date().toISOString();
  const state: CrawlExtendedState = {
    id: randomBytes(6).toString("hex"),
    target: formatTarget(target),
    status: "listing",
    cursor: JSON.stringify(target.kind === "repos" ? { index: 0 } : {}),
    reposListed: 0,
    filesQueued: 0,
    startedAt: now,
    updatedAt: now,
    filesKnown: 0,
    reposSkipped: 0,
    policyDigest: options.policyDigest,
  };
  await options.store.saveCrawl(state);
  return runCrawl(state, target, options);
}

/**
 * Continues a saved crawl from its cursor; repos already done are not listed or enqueued again.
 * A crawl whose listing is finished is only waited for (or returned as it is).
 */
export async function resumeCrawl(id: string, options: CrawlOptions): Promise<CrawlExtendedState> {
  const saved = (await options.store.getCrawl(id)) as CrawlExtendedState | undefined;
  if (!saved) throw new CrawlError(`No crawl ${JSON.stringify(id)} in this store`);
  const target = parseTarget(saved.target);
  if (typeof target === "string") throw new CrawlError(`Cannot resume crawl ${id}: ${target}`);
  // Half the files judged under one policy and half under another would answer neither.
  if (saved.policyDigest !== undefined && saved.policyDigest !== options.policyDigest) {
    throw new CrawlError(`Cannot resume crawl ${id} under another policy: it was started with policy digest ${saved.policyDigest.slice(0, 12)}…, this one is ${options.policyDigest.slice(0, 12)}…; give the same --policy`);
  }
  return runCrawl({ ...saved }, target, options);
}

/** A crawl that cannot start or go on (unknown id, bad target); its state says where it stopped. */
export class CrawlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CrawlError";
  }
}

async function runCrawl(state: CrawlExtendedState, target: CrawlTarget, options: CrawlOptions): Promise<CrawlExtendedState> {
  const crawler = new Crawler(state, options);
  if (state.status === "listing" || state.status === "failed") {
    state.status = "listing";
    try {
      if (target.kind === "repos") await crawler.crawlList(target.repos);
      else await crawler.crawlListing(target.kind === "org" ? target.org : undefined);
    } catch (error) {
      if (isAbort(error, options.signal)) {
        await crawler.save();
        return state;
      }
      state.status = "failed";
      state.lastError = error instanceof Error ? error.message : String(error);
      await crawler.save();
      return state;
    }
    if (options.signal?.aborted) {
      await crawler.save();
      return state;
    }
    state.status = "queued";
    crawler.listingDone();
    await crawler.save();
  }
  if (state.status === "queued" && options.waitForJobs) {
    await options.waitForJobs();
    state.status = "done";
    await crawler.save();
  }
  return state;
}

/** After an abort, whatever was thrown on the way out is the abort. */
function isAbort(_error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** One run of one crawl: the listing, the per-repo file lists, and the saves. */
class Crawler {
  private readonly upstream: string;
  private readonly origin: string;
  private readonly fetch: typeof fetch;

  constructor(
    private readonly state: CrawlExtendedState,
    private readonly options: CrawlOptions,
  ) {
    this.upstream = options.upstream.replace(/\/+$/, "");
    this.origin = new URL(this.upstream).origin;
    this.fetch = (input, init) => this.upstreamFetch(String(input instanceof Request ? input.url : input), init);
  }

  /** Where the listing is now, computed at every save; undefined before the listing starts. */
  private cursorOf: (() => string) | undefined;

  /** The listing is finished: the cursor is empty from now on. */
  listingDone(): void {
    this.cursorOf = undefined;
    this.state.cursor = "";
  }

  /** Saves run one after another, each computing the cursor when it runs: the last one written is the newest. */
  private saving: Promise<void> = Promise.resolve();

  save(): Promise<void> {
    const next = this.saving.then(() => this.saveNow());
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** A save when a repo is done, not awaited by anyone: a store that fails fails the next awaited save too. */
  private saveInBackground(): void {
    this.save().catch(() => undefined);
  }

  private async saveNow(): Promise<void> {
    if (this.cursorOf) this.state.cursor = this.cursorOf();
    this.state.updatedAt = new Date().toISOString();
    await this.options.store.saveCrawl(this.state);
    this.options.onProgress?.(this.state);
  }

  /** A `repos:` target: the cursor is the index of the first repo not done, and the done ones after it. */
  async crawlList(repos: readonly string[]): Promise<void> {
    const saved = JSON.parse(this.state.cursor || "{}") as { index?: number; done?: string[] };
    const alsoDone = new Set(saved.done ?? []);
    let index = saved.index ?? 0;
    const window = new RepoWindow(this.options.listingConcurrency ?? DEFAULT_LISTING_CONCURRENCY);
    this.cursorOf = () => {
      index += window.advance().length;
      // Done repos past the first one still running; the window bounds them.
      const done = [...new Set([...alsoDone, ...window.doneBeyond()])].filter((k) => Number(k) >= index);
      return JSON.stringify({ index, ...(done.length > 0 ? { done } : {}) } satisfies Cursor);
    };
    try {
      for (let i = index; i < repos.length; i++) {
        this.options.signal?.throwIfAborted();
        const repo = repos[i] as string;
        const key = `${i}`;
        if (alsoDone.has(key)) {
          window.addDone(key);
          continue;
        }
        await window.add(key, () => this.crawlRepo(repo, undefined), (tally) => this.repoDone(tally));
        await this.save();
      }
      await window.drain();
    } finally {
      await window.settle();
    }
  }

  /**
   * An organisation (`owner`) or the whole hub, page by page through `listModels`. The client's
   * iterator asks for page n+1 only once every repo of page n was taken; the crawler then waits
   * for them to be done, so the request for the next page is where the cursor moves to it.
   */
  async crawlListing(owner: string | undefined): Promise<void> {
    const saved = JSON.parse(this.state.cursor || "{}") as { page?: string; after?: string; done?: string[] };
    let page = saved.page;
    let after = saved.after;
    let alsoDone = new Set(saved.done ?? []);
    let pages = 0;
    const window = new RepoWindow(this.options.listingConcurrency ?? DEFAULT_LISTING_CONCURRENCY);
    this.cursorOf = () => {
      const advanced = window.advance();
      if (advanced.length > 0) after = advanced[advanced.length - 1];
      const done = [...new Set([...alsoDone, ...window.doneBeyond()])];
      return JSON.stringify({ ...(page !== undefined ? { page } : {}), ...(after !== undefined ? { after } : {}), ...(done.length > 0 ? { done } : {}) } satisfies Cursor);
    };
    /** Repos of the resumed page up to `after` are done: held back until `after` is seen. */
    let skipping = saved.after;
    const heldBack: { repo: string; sha: string | undefined }[] = [];
    const take = async (repo: string, sha: string | undefined): Promise<void> => {
      if (alsoDone.has(repo)) return window.addDone(repo);
      await window.add(repo, () => this.crawlRepo(repo, sha), (tally) => this.repoDone(tally));
      await this.save();
    };
    /** `after` left the saved page (deleted or renamed): the held-back repos are done after all (a repo twice is harmless: its jobs join or are answered from storage). */
    const releaseHeldBack = async (): Promise<void> => {
      if (skipping === undefined) return;
      skipping = undefined;
      for (const held of heldBack.splice(0)) await take(held.repo, held.sha);
    };
    const listingFetch: typeof fetch = async (input, init) => {
      let url = String(input instanceof Request ? input.url : input);
      if (pages === 0 && saved.page !== undefined) url = saved.page;
      else if (pages > 0) {
        await releaseHeldBack();
        await window.drain();
        // Every repo of the previous page is done: save the move to this one before asking for it.
        window.advance();
        page = url;
        after = undefined;
        alsoDone = new Set();
        await this.save();
      }
      pages++;
      page = url;
      return this.fetch(url, init);
    };
    try {
      const listing = listModels({ hubUrl: this.upstream, fetch: listingFetch, additionalFields: ["sha"], ...(owner !== undefined ? { search: { owner } } : {}) });
      for await (const model of listing) {
        this.options.signal?.throwIfAborted();
        const repo = model.name;
        const sha = typeof model.sha === "string" ? model.sha : undefined;
        if (skipping !== undefined) {
          if (repo === skipping) {
            skipping = undefined;
            heldBack.length = 0;
          } else heldBack.push({ repo, sha });
          continue;
        }
        await take(repo, sha);
      }
      await releaseHeldBack();
      await window.drain();
    } finally {
      await window.settle();
    }
  }

  /** A repo is done: its counts go into the state and a save records it (and the progress shows it). */
  private repoDone(tally: RepoTally): void {
    this.apply(tally);
    this.saveInBackground();
  }

  /** Adds a finished repo's counts to the state, in one step with marking it done. */
  private apply(tally: RepoTally): void {
    this.state.reposListed += tally.listed;
    this.state.filesQueued += tally.queued;
    this.state.filesKnown = (this.state.filesKnown ?? 0) + tally.known;
    if (tally.skipped !== undefined) {
      this.state.reposSkipped = (this.state.reposSkipped ?? 0) + 1;
      this.state.lastError = tally.skipped;
    }
  }

  /** Lists one repo's files at one commit and enqueues them; a repo the hub refuses is skipped and counted. */
  private async crawlRepo(repo: string, listedSha: string | undefined): Promise<RepoTally> {
    const tally: RepoTally = { listed: 0, queued: 0, known: 0 };
    const skip = (why: string): RepoTally => ({ ...tally, skipped: `${repo}: ${why}` });
    if (!checkRef({ repo, revision: "main", path: "" }).ok) return skip("invalid repo id");
    let revision = listedSha;
    const jobs: ScanJob[] = [];
    const origin = `crawl:${this.state.id}`;
    const flush = async (): Promise<void> => {
      if (jobs.length === 0) return;
      await this.options.backpressure?.();
      await this.options.queue.enqueue(jobs);
      tally.queued += jobs.length;
      jobs.length = 0;
    };
    try {
      if (revision === undefined || !/^[0-9a-f]{40}$/.test(revision)) {
        const info = await modelInfo({ name: repo, hubUrl: this.upstream, fetch: this.fetch, additionalFields: ["sha"] });
        revision = info.sha;
      }
      if (typeof revision !== "string" || !/^[0-9a-f]{40}$/.test(revision)) return skip("the hub gave no commit sha");
      for await (const entry of listFiles({ repo, revision, recursive: true, hubUrl: this.upstream, fetch: this.fetch })) {
        if (entry.type !== "file") continue;
        if (checkRepoPathOk(entry.path) === false) continue;
        const digest = entry.lfs && /^[0-9a-f]{64}$/.test(entry.lfs.oid) ? `sha256:${entry.lfs.oid}` : undefined;
        const job: ScanJob = { repo, revision, path: entry.path, size: entry.size, policyDigest: this.options.policyDigest, origin, ...(digest ? { digest } : {}) };
        if (digest !== undefined && (await this.answerFromStore(job, digest))) {
          tally.known++;
          continue;
        }
        jobs.push(job);
        if (jobs.length >= ENQUEUE_BATCH) await flush();
      }
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== undefined && status >= 400 && status < 500 && status !== 429) return skip(`the hub answered ${status}: ${(error as Error).message}`);
      throw error;
    }
    await flush();
    tally.listed = 1;
    return tally;
  }

  /** Records the file's result from a stored verdict; false when there is none. */
  private async answerFromStore(job: ScanJob, digest: string): Promise<boolean> {
    const verdict = await this.options.store.getVerdict(`${digest}|${this.options.policyDigest}|${this.options.toolVersion}`);
    if (!verdict) return false;
    await this.options.store.recordFileResult({
      repo: job.repo,
      revision: job.revision,
      path: job.path,
      digest,
      verdictKey: verdict.key,
      verdict: verdict.verdict,
      rules: verdict.rules,
      scannedAt: new Date().toISOString(),
      crawlId: this.state.id,
    });
    return true;
  }

  /**
   * GET on the upstream only (a Link to another origin is refused: the crawler's token and
   * requests stay with the hub it was pointed at), retried on 429/5xx/network errors with
   * backoff, body bounded.
   */
  private async upstreamFetch(url: string, init: RequestInit | undefined): Promise<Response> {
    if (new URL(url).origin !== this.origin) throw new CrawlError(`Refusing to follow a listing link off the upstream: ${JSON.stringify(url)}`);
    const headers = new Headers(init?.headers);
    if (this.options.token) headers.set("Authorization", `Bearer ${this.options.token}`);
    let problem = "";
    for (let attempt = 1; attempt <= MAX_LISTING_ATTEMPTS; attempt++) {
      this.options.signal?.throwIfAborted();
      let response: Response;
      try {
        response = await fetch(url, { headers, signal: this.options.signal });
      } catch (error) {
        if (this.options.signal?.aborted) throw error;
        problem = `upstream unreachable: ${(error as Error).message}`;
        await pause(RETRY_BASE_MILLIS * 2 ** (attempt - 1), this.options.signal);
        continue;
      }
      if (response.status === 429 || response.status >= 500) {
        problem = `upstream answered ${response.status}`;
        await response.body?.cancel().catch(() => undefined);
        const retryAfter = Number(response.headers.get("retry-after"));
        await pause(Number.isFinite(retryAfter) && response.headers.has("retry-after") ? retryAfter * 1000 : RETRY_BASE_MILLIS * 2 ** (attempt - 1), this.options.signal);
        continue;
      }
      const body = await readBoundedBody(response, MAX_LISTING_PAGE_BYTES);
      if ("over" in body) throw new CrawlError(`A listing page from ${url} exceeds ${MAX_LISTING_PAGE_BYTES} bytes (limit MAX_LISTING_PAGE_BYTES)`);
      // Listing answers are JSON text; statuses that carry no body must be given none.
      const text = [204, 205, 304].includes(response.status) ? null : new TextDecoder().decode(body);
      return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    throw new CrawlError(`Listing ${url} failed after ${MAX_LISTING_ATTEMPTS} attempts: ${problem}`);
  }
}

function checkRepoPathOk(path: string): boolean {
  return checkRef({ repo: "a/b", revision: "main", path }).ok;
}

function pause(millis: number, signal: AbortSignal | undefined): Promise<void> {
  const wait = Math.min(Math.max(0, millis), MAX_RETRY_WAIT_MILLIS);
  if (wait === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, wait);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

/** What one repo added to the crawl's counts. */
interface RepoTally {
  listed: number;
  queued: number;
  known: number;
  /** Why the repo was skipped, if it was. */
  skipped?: string;
}

/**
 * Runs up to `size` repos at once, in listing order. `advance()` drops the run of done repos at
 * the front (everything before the first one still running): that is how far the cursor may move;
 * `doneBeyond()` names the done ones after it, so a resume skips them too.
 */
class RepoWindow {
  private readonly entries: { key: string; done: boolean; settled: Promise<void> }[] = [];
  private failure: { error: unknown } | undefined;

  constructor(private readonly size: number) {}

  /** Starts `work` once there is room; `onDone` gets its tally in the same step that marks it done. Rethrows an earlier failure. */
  async add(key: string, work: () => Promise<RepoTally>, onDone: (tally: RepoTally) => void): Promise<void> {
    await this.waitForRoom();
    this.throwIfFailed();
    const entry = { key, done: false, settled: Promise.resolve() };
    entry.settled = work().then(
      (tally) => {
        onDone(tally);
        entry.done = true;
      },
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    this.entries.push(entry);
  }

  /** A repo a resumed crawl had done already: done, nothing to run. */
  addDone(key: string): void {
    this.entries.push({ key, done: true, settled: Promise.resolve() });
  }

  advance(): string[] {
    let n = 0;
    while (n < this.entries.length && (this.entries[n] as { done: boolean }).done) n++;
    return this.entries.splice(0, n).map((e) => e.key);
  }

  doneBeyond(): string[] {
    return this.entries.filter((e) => e.done).map((e) => e.key);
  }

  /** Waits for every repo started; rethrows the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    this.throwIfFailed();
  }

  /** Waits for every repo started, failed or not. */
  async settle(): Promise<void> {
    await Promise.all(this.entries.map((e) => e.settled));
  }

  private async waitForRoom(): Promise<void> {
    for (;;) {
      if (this.failure) return;
      const running = this.entries.filter((e) => !e.done);
      // Done repos behind a slow one wait in the window too: bounded, so the cursor's list stays short.
      if (running.length === 0 || (running.length < this.size && this.entries.length < this.size * WINDOW_SLACK)) return;
      await (this.entries.length >= this.size * WINDOW_SLACK ? (running[0] as { settled: Promise<void> }).settled : Promise.race(running.map((e) => e.settled)));
    }
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
