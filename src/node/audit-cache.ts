import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { advisoryDbOf, BUNDLED_PYPA, bundledAdvisoryDb, type AdvisoryFile } from "../audit/data/index.js";
import { MAX_ADVISORIES, osvProblem, packageKey, type AdvisoryDb, type OsvAdvisory } from "../audit/osv.js";

import { DEFAULT_FEED_URL } from "./audit-feed.js";
import { readBoundedBody } from "../web/bounded-body.js";

export { DEFAULT_FEED_URL };
const CACHE_FILE = "advisories.json";

/** Largest feed downloaded (CWE-400): OSV's PyPI export is tens of megabytes. */
export const MAX_FEED_BYTES = 256 * 1024 * 1024;
/** Bytes inflated from a zipped feed (CWE-409). */
export const MAX_FEED_INFLATED_BYTES = 1024 * 1024 * 1024;
/** Largest checksum file read (CWE-400): `sha256sum` output is one line. */
const MAX_CHECKSUM_BYTES = 4096;

/** Why an update was refused; the old data stays in place. */
export class AdvisoryUpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AdvisoryUpdateError";
  }
}

/** `$MODELVET_CACHE_DIR`, else `$XDG_CACHE_HOME/modelvet`, else `~/.cache/modelvet`. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.MODELVET_CACHE_DIR) return env.MODELVET_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "modelvet");
}

/**
 * The advisory database to audit with: the refreshed cache when one exists, else the bundled
 * snapshot; curated entries are always on top. A cache that no longer validates is ignored
 * with a note (the bundled data is used), never half-read.
 */
export async function loadAdvisoryDb(cacheDir: string | undefined): Promise<{ db: AdvisoryDb; note?: string }> {
  if (cacheDir === undefined) return { db: bundledAdvisoryDb() };
  let text: string;
  try {
    text = await readFile(join(cacheDir, CACHE_FILE), "utf8");
  } catch {
    return { db: bundledAdvisoryDb() };
  }
  try {
    const feed = JSON.parse(text) as AdvisoryFile;
    if (feed.schema !== "modelvet-advisories/1" || !Array.isArray(feed.advisories)) throw new Error("not a modelvet advisory cache");
    const bad = feed.advisories.map(osvProblem).find((p) => p !== undefined);
    if (bad) throw new Error(bad);
    return { db: advisoryDbOf(feed) };
  } catch (error) {
    return { db: bundledAdvisoryDb(), note: `Advisory cache ${join(cacheDir, CACHE_FILE)} is invalid (${(error as Error).message}); using the bundled snapshot. Run "modelvet audit --update" again.` };
  }
}

export interface UpdateOptions {
  from: string;
  cacheDir: string;
  /** Expected SHA-256 (hex); when absent, `<from>.sha256` is fetched and must match. */
  sha256?: string;
  fetch?: typeof fetch;
}

export interface UpdateResult {
  path: string;
  advisories: number;
  sha256: string;
}

/**
 * Downloads an OSV export (a zip of OSV JSON files, a JSON array, or a modelvet advisory file),
 * verifies its SHA-256 against `--sha256` or the published `<url>.sha256`, validates every entry
 * for the watched ML packages against the OSV shape, and only then replaces the cache file
 * (written beside it and renamed, so a crash never leaves half a file).
 */
export async function updateAdvisories(options: UpdateOptions): Promise<UpdateResult> {
  const get = options.fetch ?? fetch;
  const body = await download(get, options.from, MAX_FEED_BYTES);
  const actual = createHash("sha256").update(body).digest("hex");
  const expected = (options.sha256 ?? (await publishedChecksum(get, options.from))).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(expected)) throw new AdvisoryUpdateError(`Checksum ${JSON.stringify(expected.slice(0, 80))} is not a SHA-256 hex digest`);
  if (expected !== actual) throw new AdvisoryUpdateError(`Checksum mismatch for ${options.from}: expected ${expected}, got ${actual}; the cache was not changed`);
  const entries = readFeed(body);
  const watched = watchedKeys();
  const kept: OsvAdvisory[] = [];
  for (const entry of entries) {
    if (!isWatched(entry, watched)) continue;
    const problem = osvProblem(entry);
    if (problem) throw new AdvisoryUpdateError(`Feed entry fails the OSV schema check (${problem}); the cache was not changed`);
    kept.push(entry as OsvAdvisory);
  }
  const feed: AdvisoryFile = { schema: "modelvet-advisories/1", source: options.from, commit: `sha256:${actual}`, advisories: kept };
  await mkdir(options.cacheDir, { recursive: true });
  const target = join(options.cacheDir, CACHE_FILE);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(feed));
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { path: target, advisories: kept.length, sha256: actual };
}

async function download(get: typeof fetch, url: string, limit: number): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await get(url);
  } catch (error) {
    throw new AdvisoryUpdateError(`Cannot download ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new AdvisoryUpdateError(`Cannot download ${url}: HTTP ${response.status}`);
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > limit) throw new AdvisoryUpdateError(`${url} is ${declared} bytes, more than ${limit} (limit MAX_FEED_BYTES)`);
  const body = await readBoundedBody(response, limit);
  if ("over" in body) throw new AdvisoryUpdateError(`${url} is larger than ${limit} bytes (limit MAX_FEED_BYTES)`);
  return body;
}

/** `<url>.sha256` in `sha256sum` format (`<hex>  <name>`) or a bare digest. */
async function publishedChecksum(get: typeof fetch, url: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await download(get, `${url}.sha256`, MAX_CHECKSUM_BYTES);
  } catch (error) {
    throw new AdvisoryUpdateError(`No checksum for ${url} (${(error as Error).message}); pass --sha256 <hex> to verify the download`);
  }
  return new TextDecoder().decode(bytes).trim().split(/\s+/)[0] ?? "";
}

function readFeed(body: Uint8Array): unknown[] {
  if (body[0] === 0x50 && body[1] === 0x4b) {
    let inflated = 0;
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(body, {
        filter: (file) => {
          if (!file.name.endsWith(".json")) return false;
          inflated += file.originalSize;
          if (inflated > MAX_FEED_INFLATED_BYTES) throw new AdvisoryUpdateError(`Feed inflates to more than ${MAX_FEED_INFLATED_BYTES} bytes (limit MAX_FEED_INFLATED_BYTES)`);
          return true;
        },
      });
    } catch (error) {
      if (error instanceof AdvisoryUpdateError) throw error;
      throw new AdvisoryUpdateError(`Feed is not a readable zip: ${(error as Error).message}`);
    }
    const names = Object.keys(files);
    if (names.length > MAX_ADVISORIES) throw new AdvisoryUpdateError(`Feed has more than ${MAX_ADVISORIES} entries (limit MAX_ADVISORIES)`);
    return names.map((name) => parseJson(new TextDecoder().decode(files[name]), name));
  }
  const data = parseJson(new TextDecoder().decode(body), "feed");
  const list = Array.isArray(data) ? data : typeof data === "object" && data !== null && Array.isArray((data as { advisories?: unknown }).advisories) ? (data as { advisories: unknown[] }).advisories : [data];
  if (list.length > MAX_ADVISORIES) throw new AdvisoryUpdateError(`Feed has more than ${MAX_ADVISORIES} entries (limit MAX_ADVISORIES)`);
  return list;
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AdvisoryUpdateError(`Feed entry ${name} is not JSON (${(error as Error).message}); the cache was not changed`);
  }
}

/** The ML packages of the bundled snapshot, plus the Java/Scala frameworks by Maven group. */
function watchedKeys(): Set<string> {
  const packages = (BUNDLED_PYPA as AdvisoryFile & { packages?: string[] }).packages ?? [];
  return new Set(packages.map((p) => packageKey("PyPI", p)));
}

const WATCHED_MAVEN_GROUPS = ["ai.h2o:", "ml.combust.mleap:"];

function isWatched(entry: unknown, watched: ReadonlySet<string>): boolean {
  const affected = (entry as { affected?: unknown })?.affected;
  if (!Array.isArray(affected)) return true; // let the schema check reject it
  return affected.some((a) => {
    const pkg = (a as { package?: { ecosystem?: unknown; name?: unknown } })?.package;
    if (typeof pkg?.name !== "string") return true;
    if (pkg.ecosystem === "PyPI") return watched.has(packageKey("PyPI", pkg.name));
    if (pkg.ecosystem === "Maven") return WATCHED_MAVEN_GROUPS.some((g) => (pkg.name as string).toLowerCase().startsWith(g));
    return false;
  });
}
