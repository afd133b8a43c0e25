import Database from "better-sqlite3";
import type { CrawlState, FileResult, ResultStore } from "./jobs.js";
import { checkMigrationList, LEGACY_TABLES, SQLITE_MIGRATIONS } from "./migrations.js";
import { crawlExtra, normalizeOrg, normalizeRules, orgOf, pageSize, parseResultCursor } from "./store-common.js";
import { SchemaTooNewError, StoreUnavailableError } from "./store-errors.js";
import * as rows from "./store-rows.js";

/** better-sqlite3 returns lists as JSON text (scopes comma-joined) and booleans as 0/1. */
const DECODE: rows.RowDecoders<string, number> = { list: (v) => JSON.parse(v) as string[], bool: (v) => v === 1 };
type VerdictRow = rows.VerdictRow<string, number>;
type AuditRow = rows.AuditRow<string>;
type TokenRow = rows.TokenRow<string>;
type FileResultRow = rows.FileResultRow<string>;
type CrawlRow = rows.CrawlRow;
const verdictFromRow = (r: VerdictRow): StoredVerdict => rows.verdictFromRow(r, DECODE);
const auditFromRow = (r: AuditRow): AuditEntry => rows.auditFromRow(r, DECODE);
const tokenFromRow = (r: TokenRow): TokenRecord => rows.tokenFromRow(r, (v) => v.split(",").filter((s) => s !== ""));
const fileResultFromRow = (r: FileResultRow): FileResult => rows.fileResultFromRow(r, DECODE);
const crawlFromRow = rows.crawlFromRow;

export { InvalidCursorError, SchemaTooNewError, StoreUnavailableError } from "./store-errors.js";

/** A verdict on one content digest under one policy and one modelvet version. */
export interface StoredVerdict {
  /** `digest|policyDigest|toolVersion`: a policy change or an upgrade is a cache miss, so it rescans. */
  key: string;
  /** `sha256:<hex>` (the hub's LFS sha256, or computed from the bytes). */
  digest: string;
  policyDigest: string;
  toolVersion: string;
  verdict: string;
  allowed: boolean;
  /** Rule ids of the findings, deduplicated. */
  rules: string[];
  /** The FileReport as JSON. */
  report: string;
  createdAt: string;
}

/** One decision: who asked for what, and what the gate answered. */
export interface AuditEntry {
  id?: number;
  at: string;
  /** Token name (never the token), or "anonymous". */
  actor: string;
  action: "pull" | "head" | "scan";
  repo: string;
  revision: string;
  commit: string;
  path: string;
  digest: string;
  verdict: string;
  decision: "allow" | "block" | "error";
  rules: string[];
  status: number;
  reason: string;
  /** Key of the verdict the decision used, for the report page. */
  verdictKey: string;
}

export interface TokenRecord {
  id: string;
  name: string;
  /** sha256 of the token; the token itself is shown once and never stored. */
  hash: string;
  scopes: string[];
  /** Policy document (JSON or YAML text) applied to this token's pulls instead of the server's. */
  policy: string | undefined;
  ratePerMinute: number | undefined;
  createdAt: string;
  revokedAt: string | undefined;
}

/**
 * Storage of verdicts, the audit log and tokens. Async so that a networked database (Postgres)
 * can implement it as well as the embedded SQLite default.
 */
export interface VerdictStore {
  getVerdict(key: string): Promise<StoredVerdict | undefined>;
  putVerdict(verdict: StoredVerdict): Promise<void>;
  verdictsByDigest(digest: string): Promise<StoredVerdict[]>;
  appendAudit(entry: AuditEntry): Promise<number>;
  recentAudit(limit: number): Promise<AuditEntry[]>;
  auditEntry(id: number): Promise<AuditEntry | undefined>;
  createToken(token: TokenRecord): Promise<void>;
  tokenByHash(hash: string): Promise<TokenRecord | undefined>;
  listTokens(): Promise<TokenRecord[]>;
  revokeToken(id: string, at: string): Promise<boolean>;
  close(): Promise<void>;
}






/**
 * How long a write waits for another process's write lock before the store reports itself
 * unavailable (503): longer than any single write takes, short enough that a client is answered.
 */
export const SQLITE_BUSY_TIMEOUT_MILLIS = 5000;

export interface SqliteStoreOptions {
  /** Default SQLITE_BUSY_TIMEOUT_MILLIS. */
  busyTimeoutMillis?: number;
}

/**
 * The embedded default: one SQLite file in WAL mode. Every write is one transaction committed
 * before the gate answers (synchronous=FULL), so a verdict that was answered survives kill -9 and
 * a half-written row is never visible.
 *
 * @example
 * const store = SqliteStore.open("modelvet-gate.db");
 */
export class SqliteStore implements VerdictStore, ResultStore {
  /** Prepared once: preparing on every request costs more than the lookup itself. */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(private readonly db: Database.Database) {}

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `work`, turning "the database cannot take this now" into StoreUnavailableError. */
  private guard<T>(work: () => T): T {
    if (!this.db.open) throw new StoreUnavailableError("The SQLite store is closed", "closed");
    try {
      return work();
    } catch (error) {
      throw sqliteUnavailable(error) ?? error;
    }
  }

  /** Opens (creating if needed) the file and applies the migrations it lacks. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    let db: Database.Database;
    try {
      db = new Database(path);
      const busyTimeout = Math.max(0, Math.trunc(options.busyTimeoutMillis ?? SQLITE_BUSY_TIMEOUT_MILLIS));
      db.pragma(`busy_timeout = ${busyTimeout}`);
      enableWal(db, busyTimeout);
      db.pragma("synchronous = FULL");
    } catch (error) {
      throw sqliteUnavailable(error) ?? error;
    }
    try {
      migrateSqlite(db);
    } catch (error) {
      db.close();
      throw sqliteUnavailable(error) ?? error;
    }
    return new SqliteStore(db);
  }

  /** Versions recorded in `schema_migrations`, ascending. */
  async migrationsApplied(): Promise<number[]> {
    return this.guard(() => this.statement("SELECT version FROM schema_migrations ORDER BY version").pluck().all() as number[]);
  }

  async getVerdict(key: string): Promise<StoredVerdict | undefined> {
    const row = this.guard(() => this.statement("SELECT * FROM verdicts WHERE cache_key = ?").get(key) as VerdictRow | undefined);
    return row ? verdictFromRow(row) : undefined;
  }

  /** The first verdict recorded for a key stays: a second scan of the same bytes under the same policy and version adds nothing. */
  async putVerdict(v: StoredVerdict): Promise<void> {
    const sql = `INSERT INTO verdicts (cache_key, digest, policy_digest, tool_version, verdict, allowed, rules, report, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cache_key) DO NOTHING`;
    this.guard(() => this.statement(sql).run(v.key, v.digest, v.policyDigest, v.toolVersion, v.verdict, v.allowed ? 1 : 0, JSON.stringify(v.rules), v.report, v.createdAt));
  }

  async verdictsByDigest(digest: string): Promise<StoredVerdict[]> {
    return this.guard(() => this.statement("SELECT * FROM verdicts WHERE digest = ? ORDER BY created_at DESC").all(digest) as VerdictRow[]).map(verdictFromRow);
  }

  async appendAudit(e: AuditEntry): Promise<number> {
    const sql = `INSERT INTO audit (at, actor, action, repo, revision, commit_sha, path, digest, verdict, decision, rules, status, reason, verdict_key)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    const result = this.guard(() => this.statement(sql).run(e.at, e.actor, e.action, e.repo, e.revision, e.commit, e.path, e.digest, e.verdict, e.decision, JSON.stringify(e.rules), e.status, e.reason, e.verdictKey));
    return Number(result.lastInsertRowid);
  }

  async recentAudit(limit: number): Promise<AuditEntry[]> {
    return this.guard(() => this.statement("SELECT * FROM audit ORDER BY id DESC LIMIT ?").all(limit) as AuditRow[]).map(auditFromRow);
  }

  async auditEntry(id: number): Promise<AuditEntry | undefined> {
    const row = this.guard(() => this.statement("SELECT * FROM audit WHERE id = ?").get(id) as AuditRow | undefined);
    return row ? auditFromRow(row) : undefined;
  }

  async createToken(t: TokenRecord): Promise<void> {
    this.guard(() =>
      this.statement("INSERT INTO tokens (id, name, hash, scopes, policy, rate_per_minute, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .run(t.id, t.name, t.hash, t.scopes.join(","), t.policy ?? null, t.ratePerMinute ?? null, t.createdAt, t.revokedAt ?? null),
    );
  }

  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const row = this.guard(() => this.statement("SELECT * FROM tokens WHERE hash = ?").get(hash) as TokenRow | undefined);
    return row ? tokenFromRow(row) : undefined;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.guard(() => this.statement("SELECT * FROM tokens ORDER BY created_at").all() as TokenRow[]).map(tokenFromRow);
  }

  async revokeToken(id: string, at: string): Promise<boolean> {
    return this.guard(() => this.statement("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(at, id).changes > 0);
  }

  /**
   * Keeps the newest result per (repo, path): an older one arriving late (a retried job) changes
   * nothing. The rule index is rewritten in the same transaction, so a query never sees a file
   * under rules it no longer has.
   */
  async recordFileResult(r: FileResult): Promise<void> {
    const rules = normalizeRules(r.rules);
    const upsert = `INSERT INTO file_results (repo, path, revision, digest, verdict_key, verdict, rules, scanned_at, crawl_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (repo, path) DO UPDATE SET revision = excluded.revision, digest = excluded.digest, verdict_key = excluded.verdict_key,
        verdict = excluded.verdict, rules = excluded.rules, scanned_at = excluded.scanned_at, crawl_id = excluded.crawl_id
      WHERE excluded.scanned_at >= file_results.scanned_at`;
    this.guard(() =>
      this.db.transaction(() => {
        const changed = this.statement(upsert).run(r.repo, r.path, r.revision, r.digest, r.verdictKey, r.verdict, JSON.stringify(rules), r.scannedAt, r.crawlId ?? null).changes;
        if (changed === 0) return;
        this.statement("DELETE FROM file_result_rules WHERE repo = ? AND path = ?").run(r.repo, r.path);
        const insert = this.statement("INSERT INTO file_result_rules (rule, org, repo, path, scanned_at) VALUES (?, ?, ?, ?, ?)");
        for (const rule of rules) insert.run(rule, orgOf(r.repo), r.repo, r.path, r.scannedAt);
      }).immediate(),
    );
  }

  async filesByRepo(repo: string, limit: number, after?: string): Promise<FileResult[]> {
    const cursor = after === undefined ? undefined : parseResultCursor(after);
    const rows = this.guard(() =>
      cursor
        ? this.statement("SELECT * FROM file_results WHERE repo = ? AND (scanned_at, path) < (?, ?) ORDER BY scanned_at DESC, path DESC LIMIT ?").all(repo, cursor.scannedAt, cursor.path, pageSize(limit))
        : this.statement("SELECT * FROM file_results WHERE repo = ? ORDER BY scanned_at DESC, path DESC LIMIT ?").all(repo, pageSize(limit)),
    ) as FileResultRow[];
    return rows.map(fileResultFromRow);
  }

  async filesByRule(rule: string, options: { org?: string; limit: number; after?: string }): Promise<FileResult[]> {
    const cursor = options.after === undefined ? undefined : parseResultCursor(options.after);
    const where = ["r.rule = ?"];
    const params: unknown[] = [rule];
    if (options.org !== undefined) {
      where.push("r.org = ?");
      params.push(normalizeOrg(options.org));
    }
    if (cursor) {
      where.push("(r.scanned_at, r.repo, r.path) < (?, ?, ?)");
      params.push(cursor.scannedAt, cursor.repo, cursor.path);
    }
    const sql = `SELECT f.* FROM file_result_rules r JOIN file_results f ON f.repo = r.repo AND f.path = r.path
      WHERE ${where.join(" AND ")} ORDER BY r.scanned_at DESC, r.repo DESC, r.path DESC LIMIT ?`;
    const rows = this.guard(() => this.statement(sql).all(...params, pageSize(options.limit))) as FileResultRow[];
    return rows.map(fileResultFromRow);
  }

  async saveCrawl(c: CrawlState): Promise<void> {
    const sql = `INSERT INTO crawls (id, target, status, cursor, repos_listed, files_queued, started_at, updated_at, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET target = excluded.target, status = excluded.status, cursor = excluded.cursor,
        repos_listed = excluded.repos_listed, files_queued = excluded.files_queued, started_at = excluded.started_at, updated_at = excluded.updated_at, extra = excluded.extra`;
    this.guard(() => this.statement(sql).run(c.id, c.target, c.status, c.cursor, c.reposListed, c.filesQueued, c.startedAt, c.updatedAt, crawlExtra(c)));
  }

  async getCrawl(id: string): Promise<CrawlState | undefined> {
    const row = this.guard(() => this.statement("SELECT * FROM crawls WHERE id = ?").get(id) as CrawlRow | undefined);
    return row ? crawlFromRow(row) : undefined;
  }

  async listCrawls(limit: number): Promise<CrawlState[]> {
    return this.guard(() => this.statement("SELECT * FROM crawls ORDER BY started_at DESC, id DESC LIMIT ?").all(pageSize(limit)) as CrawlRow[]).map(crawlFromRow);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/**
 * Applies the migrations `db` lacks, all in one transaction begun IMMEDIATE: that takes SQLite's
 * write lock first, so a second process opening the same file waits (busy_timeout), then finds them
 * applied. A database made by the gate before migrations existed is recognised by its tables.
 */
function migrateSqlite(db: Database.Database): void {
  checkMigrationList(SQLITE_MIGRATIONS);
  const latest = SQLITE_MIGRATIONS.length;
  db.transaction(() => {
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    const applied = new Set(db.prepare("SELECT version FROM schema_migrations").pluck().all() as number[]);
    const newest = Math.max(0, ...applied);
    if (newest > latest) throw new SchemaTooNewError(`The SQLite store is at schema version ${newest}; this modelvet knows up to ${latest}. Upgrade modelvet, or use another database`);
    const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
    if (applied.size === 0 && isLegacySqlite(db)) {
      // Version 1 is exactly what the old code created; its IF NOT EXISTS also completes a partial one.
      db.exec(SQLITE_MIGRATIONS[0]!.sql);
      record.run(1, `${SQLITE_MIGRATIONS[0]!.name} (found, made before migrations)`, new Date().toISOString());
      applied.add(1);
    }
    for (const m of SQLITE_MIGRATIONS) {
      if (applied.has(m.version)) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    }
  }).immediate();
}

/**
 * Switches a new file to WAL (an existing one keeps it: the mode is stored in the file). The switch
 * needs an exclusive lock, and SQLite answers SQLITE_BUSY at once rather than calling the busy
 * handler when another process is creating the same file, so it is retried here up to the busy
 * timeout (seen with four processes opening one new file together).
 */
function enableWal(db: Database.Database, timeoutMillis: number): void {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    try {
      if (db.pragma("journal_mode", { simple: true }) !== "wal") db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, WAL_RETRY_MILLIS);
    }
  }
}

/** Pause between tries of the switch to WAL: start-up only, and another process holds the lock for milliseconds. */
const WAL_RETRY_MILLIS = 10;

function isLegacySqlite(db: Database.Database): boolean {
  const names = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  return LEGACY_TABLES.some((t) => names.has(t));
}

/** SQLite result codes that mean "cannot take the work now", not "this request is wrong". */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|NOMEM|PROTOCOL)/;

function sqliteUnavailable(error: unknown): StoreUnavailableError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && SQLITE_UNAVAILABLE.test(code)) {
    return new StoreUnavailableError(`The SQLite store is unavailable: ${(error as Error).message}`, code, { cause: error });
  }
  return undefined;
}





