import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdir, open, readdir, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isSeverity, verdictOf, type FileReport } from "../core/finding.js";
import { resolveLimits, type Limits } from "../core/limits.js";
import type { Policy } from "../policy/policy.js";
import { absoluteBinary, hashFile, stampAt, type FileStamp } from "./file-digest.js";
import type { OsPath } from "./os-path.js";

/**
 * Entries kept per kind (verdicts, path index) before the oldest-used are pruned (CWE-400): far
 * more files than a model monorepo holds, and a bound on the disk a runaway loop of scans can fill.
 */
export const MAX_CACHE_ENTRIES = 50_000;
/** Largest entry read back (CWE-400): a report is capped by the engine; a bigger file is not ours. */
export const MAX_CACHE_ENTRY_BYTES = 8 * 1024 * 1024;
/**
 * A file changed less than this long ago is "racily clean" (as git calls it): file systems stamp
 * times with a coarse clock (ext4 takes the jiffy clock, FAT has 2 s), so a second write in the
 * same tick keeps size, mtime and ctime. Such a file is hashed and scanned, but neither its stamp
 * (path index) nor its verdict is recorded, so the next run looks at its bytes again.
 */
export const RACY_MARGIN_MS = 3_000;

/**
 * Files smaller than this are always hashed: hashing them takes milliseconds, whatever the format.
 * Only bigger files are worth the "cheap to scan" hint below.
 */
export const CHEAP_SCAN_MIN_BYTES = 64 * 1024 * 1024;
/**
 * A scan that read at most this share of a file (a safetensors or GGUF header, a torch zip's
 * pickle) is cheaper than hashing the whole file: such a file is scanned every run instead.
 */
export const CHEAP_SCAN_SHARE = 1 / 16;

const VERDICT_SCHEMA = "modelvet-verdict-cache/1";
const HINT_SCHEMA = "modelvet-scan-cost/1";
const INDEX_SCHEMA = "modelvet-path-index/1";
/** Used when no MODELVET_CACHE_KEY is set: the MAC is then a checksum against corruption, not against a writer of the cache. */
const DEFAULT_MAC_KEY = "modelvet verdict cache: no key set";

export interface VerdictCacheOptions {
  /** The policy of this run: its data layers are part of every verdict key. */
  policy: Policy;
  limits?: Partial<Limits>;
  /** The modelvet version: a new version has new rules, so old verdicts do not count. */
  version: string;
  /** MODELVET_CACHE_KEY: a secret that authenticates entries (HMAC-SHA256), so only runs holding it can write verdicts this run trusts. */
  key?: string;
  /** Clock for the racy-stamp check (tests move it forward instead of sleeping). */
  now?: () => number;
  /** CHEAP_SCAN_MIN_BYTES (tests lower it to keep their files small). */
  cheapScanMinBytes?: number;
}

/** How a file's digest was found: by its stamp in the path index, or by reading its bytes. */
export interface FileDigest {
  sha256: string;
  /** The stamp the bytes had when they were hashed (or, from the index, when they were looked up). */
  stamp: FileStamp;
  /** Clock time (ms) just before the stamp was taken: a stamp this close to it is racy. */
  seenAt: number;
  fromIndex: boolean;
}

/**
 * A local cache of verdicts, so CI skips files it has already judged. A verdict is looked up by
 * what decides it: the SHA-256 of the bytes, the name the file is reported under (recognition
 * takes the name as a hint), the policy and limits, and the modelvet version. A path index maps
 * a file's absolute path, size, mtime and ctime to its digest, so an unchanged file is not even
 * read; any change of those (a rewrite that restores mtime still moves ctime) means hashing again.
 * Every entry carries its own key and a MAC over it; an entry that does not verify, parse, or fit
 * the schema is ignored and the file is scanned. Nothing here ever fails a scan: a cache that
 * cannot be read or written is a miss, reported once in `warnings`.
 *
 * @example
 * const cache = await VerdictCache.open(".modelvet-cache", { policy, version: VERSION });
 * const report = await scanPaths(["models/"], { policy, cache });
 * await cache.prune();
 */
export class VerdictCache {
  readonly warnings: string[] = [];
  /** What this run did with the cache, for callers and tests. */
  readonly stats = { hits: 0, misses: 0, hashed: 0, indexHits: 0, stored: 0, rejected: 0, cheapScans: 0 };

  private constructor(
    readonly dir: string,
    private readonly configDigest: string,
    private readonly version: string,
    private readonly macKey: string,
    private readonly now: () => number,
    private readonly cheapScanMinBytes: number,
  ) {}

  static async open(dir: string, options: VerdictCacheOptions): Promise<VerdictCache> {
    // Owner-only: entries decide verdicts, so nobody else should be able to add them.
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const cache = new VerdictCache(dir, configDigestOf(options.policy, options.limits), options.version, options.key || DEFAULT_MAC_KEY, options.now ?? Date.now, options.cheapScanMinBytes ?? CHEAP_SCAN_MIN_BYTES);
    const info = await stat(dir);
    if (!info.isDirectory()) throw new Error("not a folder");
    if (process.platform !== "win32" && (info.mode & 0o022) !== 0) {
      cache.warn(`the cache folder ${JSON.stringify(dir)} is writable by other users, who could plant verdicts; make it owner-only (chmod go-w) or set MODELVET_CACHE_KEY`);
    }
    return cache;
  }

  /**
   * The SHA-256 of the file at `absolute`: from the path index when its size, mtime and ctime are
   * the ones recorded, else by reading it (and recording the stamp when it is not racy).
   */
  async digest(absolute: OsPath, options: { noFollow: boolean; skipIfCheap?: boolean }): Promise<FileDigest | "cheap" | undefined> {
    const indexFile = this.indexFile(absolute);
    const lookedAt = this.now();
    const stamp = await stampAt(absolute, options);
    if (stamp === undefined) return undefined;
    const recorded = await this.readEntry(indexFile, INDEX_SCHEMA, indexKey(absolute, stamp));
    if (recorded !== undefined && typeof recorded.sha256 === "string" && /^[0-9a-f]{64}$/.test(recorded.sha256)) {
      this.stats.indexHits += 1;
      return { sha256: recorded.sha256, stamp, seenAt: lookedAt, fromIndex: true };
    }
    if (options.skipIfCheap === true && (await this.cheapToScan(absolute, stamp.size))) {
      this.stats.cheapScans += 1;
      return "cheap";
    }
    const seenAt = this.now();
    const hashed = await hashFile(absolute, options);
    if (hashed === undefined) return undefined;
    this.stats.hashed += 1;
    if (!this.racy(hashed.stamp, seenAt)) await this.writeEntry(indexFile, INDEX_SCHEMA, indexKey(absolute, hashed.stamp), { sha256: hashed.sha256 });
    return { ...hashed, seenAt, fromIndex: false };
  }

  /** The cached report for these bytes under this name, or undefined (a miss, or an entry that does not verify). */
  async get(sha256: string, shown: string): Promise<FileReport | undefined> {
    const key = this.verdictKey(sha256, shown);
    const file = this.verdictFile(key);
    const body = await this.readEntry(file, VERDICT_SCHEMA, key);
    const report = body === undefined ? undefined : reportFrom(body.report, shown);
    if (report === undefined) {
      this.stats.misses += 1;
      return undefined;
    }
    this.stats.hits += 1;
    // Used entries are the last to be pruned.
    const now = new Date(this.now());
    await utimes(file, now, now).catch(() => undefined);
    return { ...report, sha256, cached: true };
  }

  /**
   * Records a fresh report. Only complete verdicts about the file alone are kept: a report with
   * any scan error is not (a time limit hit today may pass tomorrow), nor one of a file changed
   * within RACY_MARGIN_MS, and the caller leaves out reports that depend on other files.
   */
  async put(report: FileReport, digest: Pick<FileDigest, "sha256" | "stamp" | "seenAt">): Promise<void> {
    const { sha256, stamp, seenAt } = digest;
    if (report.errors.length > 0 || report.verdict === "error") return;
    // A file written within the clock tick of its hashing may hold other bytes than were hashed
    // with its stamp unchanged: its verdict is not filed under that digest.
    if (this.racy(stamp, seenAt)) return;
    // Copied now, before the folder pass adds its findings to the live report.
    const stored: Partial<FileReport> = { ...structuredClone(report), millis: undefined, bytesRead: undefined, bytesFetched: undefined, sha256: undefined, cached: undefined };
    const key = this.verdictKey(sha256, report.path);
    if (await this.writeEntry(this.verdictFile(key), VERDICT_SCHEMA, key, { report: stored })) this.stats.stored += 1;
  }

  /**
   * Remembers, by path and size, whether a fresh scan of the file was cheaper than hashing it
   * (CHEAP_SCAN_SHARE of CHEAP_SCAN_MIN_BYTES or more): then later runs scan it without hashing.
   * The hint only ever chooses scanning over the cache, so a wrong or planted one costs time, never
   * a verdict.
   */
  async noteScanCost(absolute: OsPath, report: FileReport): Promise<void> {
    if (report.errors.length > 0 || report.size === undefined) return;
    const size = BigInt(report.size);
    const cheap = report.size >= this.cheapScanMinBytes && report.bytesRead !== undefined && report.bytesRead <= report.size * CHEAP_SCAN_SHARE;
    if (cheap === (await this.cheapToScan(absolute, size))) return;
    const file = this.hintFile(absolute);
    if (cheap) await this.writeEntry(file, HINT_SCHEMA, hintKey(absolute, size), { cheap: true });
    else await rm(file, { force: true }).catch(() => undefined);
  }

  private async cheapToScan(absolute: OsPath, size: bigint): Promise<boolean> {
    if (size < BigInt(this.cheapScanMinBytes)) return false;
    const hint = await this.readEntry(this.hintFile(absolute), HINT_SCHEMA, hintKey(absolute, size));
    return hint?.cheap === true;
  }

  /** Deletes the oldest-used entries past MAX_CACHE_ENTRIES; run once at the end of a scan. */
  async prune(max = MAX_CACHE_ENTRIES): Promise<number> {
    let removed = 0;
    for (const kind of ["verdicts", "paths", "hints"]) removed += await pruneDir(join(this.dir, kind), max);
    return removed;
  }

  private verdictKey(sha256: string, shown: string): string {
    return JSON.stringify([sha256, shown, this.configDigest, this.version]);
  }

  private verdictFile(key: string): string {
    const name = createHash("sha256").update(key).digest("hex");
    return join(this.dir, "verdicts", name.slice(0, 2), `${name}.json`);
  }

  private indexFile(absolute: OsPath): string {
    const name = createHash("sha256").update(absoluteBinary(absolute)).digest("hex");
    return join(this.dir, "paths", name.slice(0, 2), `${name}.json`);
  }

  private hintFile(absolute: OsPath): string {
    const name = createHash("sha256").update(absoluteBinary(absolute)).digest("hex");
    return join(this.dir, "hints", name.slice(0, 2), `${name}.json`);
  }

  /** Changed within RACY_MARGIN_MS of when its stamp was taken: a later write in the same tick would not show. */
  private racy(stamp: FileStamp, seenAt: number): boolean {
    const nowNs = BigInt(Math.floor(seenAt)) * 1_000_000n;
    const margin = BigInt(RACY_MARGIN_MS) * 1_000_000n;
    return stamp.ctimeNs > nowNs - margin || stamp.mtimeNs > nowNs - margin;
  }

  private mac(schema: string, key: string, payload: string): string {
    return createHmac("sha256", this.macKey).update(`${schema}\n${key}\n${payload}`).digest("hex");
  }

  /** The entry's payload when it is ours: the schema, the key inside it and the MAC all match. */
  private async readEntry(file: string, schema: string, key: string): Promise<Record<string, unknown> | undefined> {
    const text = await readBounded(file, MAX_CACHE_ENTRY_BYTES);
    if (text === undefined) return undefined;
    try {
      const entry = JSON.parse(text) as { schema?: unknown; key?: unknown; payload?: unknown; mac?: unknown };
      if (entry.schema !== schema || typeof entry.key !== "string" || typeof entry.payload !== "string" || typeof entry.mac !== "string") throw new Error("foreign");
      const expected = Buffer.from(this.mac(schema, entry.key, entry.payload), "hex");
      const given = Buffer.from(entry.mac, "hex");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error("bad MAC");
      // Ours, but about another stamp of the file (it changed) or another key that hashed here: a miss.
      if (entry.key !== key) return undefined;
      const payload = JSON.parse(entry.payload) as unknown;
      if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw new Error("payload");
      return payload as Record<string, unknown>;
    } catch {
      // Corrupt, truncated, foreign or forged: never trusted, the file is scanned instead.
      this.stats.rejected += 1;
      return undefined;
    }
  }

  /** Written beside the target and renamed over it: a reader sees the old entry or the new one, never half. */
  private async writeEntry(file: string, schema: string, key: string, body: object): Promise<boolean> {
    const payload = JSON.stringify(body);
    const text = JSON.stringify({ schema, key, payload, mac: this.mac(schema, key, payload) });
    if (text.length > MAX_CACHE_ENTRY_BYTES) return false;
    const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await mkdir(join(file, ".."), { recursive: true, mode: 0o700 });
      await writeFile(temp, text, { mode: 0o600 });
      await rename(temp, file);
      return true;
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      this.warn(`cannot write to the cache ${JSON.stringify(this.dir)} (${(error as Error).message}); files are scanned, verdicts not kept`);
      return false;
    }
  }

  /** Kept once each; the CLI prints them after the report. */
  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }
}

/** Everything besides the bytes and the name that decides a verdict: policy data and limits. */
function configDigestOf(policy: Policy, limits: Partial<Limits> | undefined): string {
  return createHash("sha256").update(JSON.stringify({ policy: policy.layers, limits: resolveLimits(limits) })).digest("hex");
}

/** The path (as bytes) and its stamp; dev and ino are left out, as they change between checkouts of the same tree and runs of a container. */
function indexKey(absolute: OsPath, stamp: FileStamp): string {
  return JSON.stringify([absoluteBinary(absolute), String(stamp.size), String(stamp.mtimeNs), String(stamp.ctimeNs)]);
}

function hintKey(absolute: OsPath, size: bigint): string {
  return JSON.stringify([absoluteBinary(absolute), String(size)]);
}

/** A stored report, checked field by field; its verdict is worked out again from its findings and errors. */
function reportFrom(value: unknown, shown: string): FileReport | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Partial<FileReport>;
  const strings = (list: unknown): list is string[] => Array.isArray(list) && list.every((s) => typeof s === "string");
  if (r.path !== shown || !strings(r.formats) || !strings(r.notes) || !Array.isArray(r.findings) || !Array.isArray(r.errors)) return undefined;
  if (r.errors.length > 0) return undefined;
  const findingsOk = r.findings.every((f) => typeof f === "object" && f !== null && typeof f.ruleId === "string" && isSeverity(f.severity) && typeof f.message === "string" && typeof f.location === "object" && f.location !== null);
  if (!findingsOk) return undefined;
  const verdict = verdictOf(r.findings, r.errors);
  if (r.verdict !== verdict) return undefined;
  return { path: shown, verdict, formats: r.formats, findings: r.findings, errors: r.errors, notes: r.notes, size: typeof r.size === "number" ? r.size : undefined };
}

async function readBounded(file: string, max: number): Promise<string | undefined> {
  const handle = await open(file, "r").catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size > max) return undefined;
    const buffer = Buffer.alloc(info.size);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Keeps the `max` most recently used entries under `dir` (two-level fan-out), deleting the rest. */
async function pruneDir(dir: string, max: number): Promise<number> {
  const files: string[] = [];
  for (const fan of await readdir(dir).catch(() => [] as string[])) {
    for (const name of await readdir(join(dir, fan)).catch(() => [] as string[])) files.push(join(dir, fan, name));
  }
  if (files.length <= max) return 0;
  const dated = await Promise.all(files.map(async (file) => ({ file, used: (await stat(file).catch(() => undefined))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => a.used - b.used);
  const excess = dated.slice(0, dated.length - max);
  await Promise.all(excess.map(({ file }) => rm(file, { force: true })));
  return excess.length;
}
