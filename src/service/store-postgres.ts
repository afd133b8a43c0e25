import { Pool, type PoolClient, type QueryConfig, type QueryResultRow } from "pg";
import type { CrawlState, FileResult, ResultStore } from "./jobs.js";
import { checkMigrationList, POSTGRES_MIGRATIONS } from "./migrations.js";
import { crawlExtra, normalizeOrg, normalizeRules, orgOf, pageSize, parseResultCursor } from "./store-common.js";
import { SchemaTooNewError, StoreUnavailableError } from "./store-errors.js";
import type { AuditEntry, StoredVerdict, TokenRecord, VerdictStore } from "./store.js";
import * as rows from "./store-rows.js";

/** pg returns text[] as arrays and booleans as booleans (BIGINT as strings, which the mappers convert). */
const DECODE: rows.RowDecoders<string[], boolean> = { list: (v) => v, bool: (v) => v };
type VerdictRow = rows.VerdictRow<string[], boolean>;
type AuditRow = rows.AuditRow<string[]>;
type TokenRow = rows.TokenRow<string[]>;
type FileResultRow = rows.FileResultRow<string[]>;
type CrawlRow = rows.CrawlRow;
const verdictFromRow = (r: VerdictRow): StoredVerdict => rows.verdictFromRow(r, DECODE);
const auditFromRow = (r: AuditRow): AuditEntry => rows.auditFromRow(r, DECODE);
const tokenFromRow = (r: TokenRow): TokenRecord => rows.tokenFromRow(r, (v) => v);
const fileResultFromRow = (r: FileResultRow): FileResult => rows.fileResultFromRow(r, DECODE);
const crawlFromRow = rows.crawlFromRow;

/**
 * Connections per process. Each is a Postgres backend (~10 MB of server memory); ten per gate or
 * worker process lets eight processes share Postgres' default max_connections of 100 with room for
 * an operator, and the store's queries are short (one row or one page), so ten is plenty.
 */
export const PG_POOL_MAX = 10;
/** A request waiting for a connection while Postgres is unreachable is answered 503 within this. */
export const PG_CONNECT_TIMEOUT_MILLIS = 5000;
/** A server that took a query and hangs (partition, stopped process) must not hold a request forever. */
export const PG_QUERY_TIMEOUT_MILLIS = 30_000;
/** Idle connections are closed after this, so a quiet process holds no backends. */
export const PG_IDLE_TIMEOUT_MILLIS = 30_000;
/** Applying migrations, including the wait for another process applying them, may take this long. */
export const PG_MIGRATION_TIMEOUT_MILLIS = 10 * 60_000;
/** Advisory lock key that serialises migrations across processes ("modelvet" in ASCII, as a number). */
const MIGRATION_LOCK_KEY = "7885631859323200884";

/**
 * Named (prepared once per connection) statements list their columns: a `SELECT *` prepared before
 * a later migration adds a column fails with "cached plan must not change result type" until the
 * connection closes, on every gate still running the old version.
 */
const VERDICT_COLUMNS = "cache_key, digest, policy_digest, tool_version, verdict, allowed, rules, report, created_at";
const TOKEN_COLUMNS = "id, name, hash, scopes, policy, rate_per_minute, created_at, revoked_at";

export interface PostgresStoreOptions {
  /** Default PG_POOL_MAX. */
  maxConnections?: number;
  /** Default PG_CONNECT_TIMEOUT_MILLIS. */
  connectTimeoutMillis?: number;
  /** Default PG_QUERY_TIMEOUT_MILLIS. */
  queryTimeoutMillis?: number;
  /** Told about connections that broke while idle (Postgres restarted); the pool has dropped them already. */
  onIdleError?: (error: Error) => void;
}






/**
 * Verdicts, the audit log, tokens, file results and crawls in Postgres, for gates and workers on
 * many machines. Same contract as `SqliteStore`: every write is committed before the promise
 * resolves (`synchronous_commit = on` is set on every connection, whatever the server's default);
 * a database that cannot be reached rejects with `StoreUnavailableError`, and the pool reconnects
 * by itself once it is back.
 *
 * @example
 * const store = await PostgresStore.open("postgres://modelvet@db.internal/modelvet");
 */
export class PostgresStore implements VerdictStore, ResultStore {
  private constructor(private readonly pool: Pool) {}

  /** Connects, applies the migrations the database lacks, and returns the store. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new Pool({
      connectionString: withDurableCommits(url),
      max: options.maxConnections ?? PG_POOL_MAX,
      connectionTimeoutMillis: options.connectTimeoutMillis ?? PG_CONNECT_TIMEOUT_MILLIS,
      query_timeout: options.queryTimeoutMillis ?? PG_QUERY_TIMEOUT_MILLIS,
      idleTimeoutMillis: PG_IDLE_TIMEOUT_MILLIS,
      application_name: "modelvet",
      keepAlive: true,
    });
    // Without a listener, an idle connection cut by a Postgres restart would crash the process.
    pool.on("error", (error) => options.onIdleError?.(error));
    const store = new PostgresStore(pool);
    try {
      await store.migrate();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return store;
  }

  private async query<R extends QueryResultRow>(query: QueryConfig | string, values?: unknown[]): Promise<R[]> {
    if (this.pool.ending) throw new StoreUnavailableError("The Postgres store is closed", "closed");
    try {
      const result = typeof query === "string" ? await this.pool.query<R>(query, values) : await this.pool.query<R>({ ...query, values });
      return result.rows;
    } catch (error) {
      throw pgUnavailable(error) ?? error;
    }
  }

  /** Runs `work` in one transaction on one connection; a connection that broke is not reused. */
  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    if (this.pool.ending) throw new StoreUnavailableError("The Postgres store is closed", "closed");
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw pgUnavailable(error) ?? error;
    }
    let broken = false;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      const unavailable = pgUnavailable(error);
      broken = unavailable !== undefined;
      if (!broken) await client.query("ROLLBACK").catch(() => (broken = true));
      throw unavailable ?? error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * One transaction under a transaction-scoped advisory lock: a second process starting at the same
   * moment waits on the lock, then sees the versions recorded and applies nothing.
   */
  private async migrate(): Promise<void> {
    checkMigrationList(POSTGRES_MIGRATIONS);
    const latest = POSTGRES_MIGRATIONS.length;
    const slow = (text: string, values?: unknown[]): QueryConfig => ({ text, values, query_timeout: PG_MIGRATION_TIMEOUT_MILLIS }) as QueryConfig;
    await this.transaction(async (client) => {
      await client.query(slow("SELECT pg_advisory_xact_lock($1::bigint)", [MIGRATION_LOCK_KEY]));
      await client.query(slow("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"));
      const applied = new Set((await client.query<{ version: number }>("SELECT version FROM schema_migrations")).rows.map((r) => r.version));
      const newest = Math.max(0, ...applied);
      if (newest > latest) throw new SchemaTooNewError(`The Postgres store is at schema version ${newest}; this modelvet knows up to ${latest}. Upgrade modelvet, or use another database`);
      for (const m of POSTGRES_MIGRATIONS) {
        if (applied.has(m.version)) continue;
        await client.query(slow(m.sql));
        await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [m.version, m.name, new Date().toISOString()]);
      }
    });
  }

  /** Versions recorded in `schema_migrations`, ascending. */
  async migrationsApplied(): Promise<number[]> {
    return (await this.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version")).map((r) => r.version);
  }

  async getVerdict(key: string): Promise<StoredVerdict | undefined> {
    const rows = await this.query<VerdictRow>({ name: "modelvet_get_verdict", text: `SELECT ${VERDICT_COLUMNS} FROM verdicts WHERE cache_key = $1` }, [key]);
    return rows[0] ? verdictFromRow(rows[0]) : undefined;
  }

  /** The first verdict recorded for a key stays: a second scan of the same bytes under the same policy and version adds nothing. */
  async putVerdict(v: StoredVerdict): Promise<void> {
    const text = `INSERT INTO verdicts (cache_key, digest, policy_digest, tool_version, verdict, allowed, rules, report, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (cache_key) DO NOTHING`;
    await this.query({ name: "modelvet_put_verdict", text }, [v.key, v.digest, v.policyDigest, v.toolVersion, v.verdict, v.allowed, v.rules, v.report, v.createdAt]);
  }

  async verdictsByDigest(digest: string): Promise<StoredVerdict[]> {
    return (await this.query<VerdictRow>("SELECT * FROM verdicts WHERE digest = $1 ORDER BY created_at DESC", [digest])).map(verdictFromRow);
  }

  async appendAudit(e: AuditEntry): Promise<number> {
    const text = `INSERT INTO audit (at, actor, action, repo, revision, commit_sha, path, digest, verdict, decision, rules, status, reason, verdict_key)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`;
    const rows = await this.query<{ id: string }>({ name: "modelvet_append_audit", text }, [e.at, e.actor, e.action, e.repo, e.revision, e.commit, e.path, e.digest, e.verdict, e.decision, e.rules, e.status, e.reason, e.verdictKey]);
    return Number(rows[0]!.id);
  }

  async recentAudit(limit: number): Promise<AuditEntry[]> {
    return (await this.query<AuditRow>("SELECT * FROM audit ORDER BY id DESC LIMIT $1", [limit])).map(auditFromRow);
  }

  async auditEntry(id: number): Promise<AuditEntry | undefined> {
    const rows = await this.query<AuditRow>("SELECT * FROM audit WHERE id = $1", [id]);
    return rows[0] ? auditFromRow(rows[0]) : undefined;
  }

  async createToken(t: TokenRecord): Promise<void> {
    await this.query("INSERT INTO tokens (id, name, hash, scopes, policy, rate_per_minute, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", [
      t.id,
      t.name,
      t.hash,
      t.scopes,
      t.policy ?? null,
      t.ratePerMinute ?? null,
      t.createdAt,
      t.revokedAt ?? null,
    ]);
  }

  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const rows = await this.query<TokenRow>({ name: "modelvet_token_by_hash", text: `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE hash = $1` }, [hash]);
    return rows[0] ? tokenFromRow(rows[0]) : undefined;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await this.query<TokenRow>("SELECT * FROM tokens ORDER BY created_at")).map(tokenFromRow);
  }

  async revokeToken(id: string, at: string): Promise<boolean> {
    return (await this.query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING id", [at, id])).length > 0;
  }

  /** As `SqliteStore.recordFileResult`: the newest result per (repo, path) wins; its rule rows change with it. */
  async recordFileResult(r: FileResult): Promise<void> {
    const rules = normalizeRules(r.rules);
    const upsert = `INSERT INTO file_results (repo, path, revision, digest, verdict_key, verdict, rules, scanned_at, crawl_id)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      ON CONFLICT (repo, path) DO UPDATE SET revision = EXCLUDED.revision, digest = EXCLUDED.digest, verdict_key = EXCLUDED.verdict_key,
        verdict = EXCLUDED.verdict, rules = EXCLUDED.rules, scanned_at = EXCLUDED.scanned_at, crawl_id = EXCLUDED.crawl_id
      WHERE EXCLUDED.scanned_at >= file_results.scanned_at
      RETURNING 1`;
    await this.transaction(async (client) => {
      const changed = await client.query(upsert, [r.repo, r.path, r.revision, r.digest, r.verdictKey, r.verdict, rules, r.scannedAt, r.crawlId ?? null]);
      if (changed.rowCount === 0) return;
      await client.query("DELETE FROM file_result_rules WHERE repo = $1 AND path = $2", [r.repo, r.path]);
      await client.query("INSERT INTO file_result_rules (rule, org, repo, path, scanned_at) SELECT unnest($1::text[]), $2, $3, $4, $5", [rules, orgOf(r.repo), r.repo, r.path, r.scannedAt]);
    });
  }

  async filesByRepo(repo: string, limit: number, after?: string): Promise<FileResult[]> {
    const cursor = after === undefined ? undefined : parseResultCursor(after);
    const rows = cursor
      ? await this.query<FileResultRow>("SELECT * FROM file_results WHERE repo = $1 AND (scanned_at, path) < ($2, $3) ORDER BY scanned_at DESC, path DESC LIMIT $4", [repo, cursor.scannedAt, cursor.path, pageSize(limit)])
      : await this.query<FileResultRow>("SELECT * FROM file_results WHERE repo = $1 ORDER BY scanned_at DESC, path DESC LIMIT $2", [repo, pageSize(limit)]);
    return rows.map(fileResultFromRow);
  }

  async filesByRule(rule: string, options: { org?: string; limit: number; after?: string }): Promise<FileResult[]> {
    const cursor = options.after === undefined ? undefined : parseResultCursor(options.after);
    const params: unknown[] = [rule];
    const where = ["r.rule = $1"];
    if (options.org !== undefined) {
      params.push(normalizeOrg(options.org));
      where.push(`r.org = $${params.length}`);
    }
    if (cursor) {
      params.push(cursor.scannedAt, cursor.repo, cursor.path);
      where.push(`(r.scanned_at, r.repo, r.path) < ($${params.length - 2}, $${params.length - 1}, $${params.length})`);
    }
    params.push(pageSize(options.limit));
    const text = `SELECT f.* FROM file_result_rules r JOIN file_results f ON f.repo = r.repo AND f.path = r.path
      WHERE ${where.join(" AND ")} ORDER BY r.scanned_at DESC, r.repo DESC, r.path DESC LIMIT $${params.length}`;
    return (await this.query<FileResultRow>(text, params)).map(fileResultFromRow);
  }

  async saveCrawl(c: CrawlState): Promise<void> {
    const text = `INSERT INTO crawls (id, target, status, cursor, repos_listed, files_queued, started_at, updated_at, extra) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      ON CONFLICT (id) DO UPDATE SET target = EXCLUDED.target, status = EXCLUDED.status, cursor = EXCLUDED.cursor,
        repos_listed = EXCLUDED.repos_listed, files_queued = EXCLUDED.files_queued, started_at = EXCLUDED.started_at, updated_at = EXCLUDED.updated_at, extra = EXCLUDED.extra`;
    await this.query({ name: "modelvet_save_crawl_v3", text }, [c.id, c.target, c.status, c.cursor, c.reposListed, c.filesQueued, c.startedAt, c.updatedAt, crawlExtra(c)]);
  }

  async getCrawl(id: string): Promise<CrawlState | undefined> {
    const rows = await this.query<CrawlRow>("SELECT * FROM crawls WHERE id = $1", [id]);
    return rows[0] ? crawlFromRow(rows[0]) : undefined;
  }

  async listCrawls(limit: number): Promise<CrawlState[]> {
    return (await this.query<CrawlRow>("SELECT * FROM crawls ORDER BY started_at DESC, id DESC LIMIT $1", [pageSize(limit)])).map(crawlFromRow);
  }

  async close(): Promise<void> {
    if (!this.pool.ending) await this.pool.end();
  }
}

/**
 * The URL with `synchronous_commit=on` among its startup options, so every connection commits to
 * disk before COMMIT returns even if the server's default was turned off: a verdict answered is a
 * verdict kept. Options already in the URL stay.
 */
export function withDurableCommits(url: string): string {
  const durable = "-c synchronous_commit=on";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const options = parsed.searchParams.get("options");
  parsed.searchParams.set("options", options ? `${options} ${durable}` : durable);
  return parsed.href;
}

/**
 * SQLSTATE classes that mean "the database cannot take work now": 08 connection exception, 53
 * insufficient resources (too many connections, disk full), 57P01-57P03 shutdown or starting up,
 * 57014 a statement cancelled by a timeout, 58 system error (I/O).
 */
const PG_UNAVAILABLE_SQLSTATE = /^(08|53|57P0[123]|57014|58)/;
/** Socket errors from Node when the server cannot be reached. */
const NET_UNAVAILABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ECONNABORTED", "ENOENT"]);
/** node-postgres's own errors for a connection that could not be made or was lost (they carry no code). */
const PG_CONNECTION_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|not queryable|Cannot use a pool after calling end/;

function pgUnavailable(error: unknown): StoreUnavailableError | undefined {
  if (error instanceof StoreUnavailableError) return error;
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const unavailable = typeof code === "string" ? PG_UNAVAILABLE_SQLSTATE.test(code) || NET_UNAVAILABLE.has(code) : PG_CONNECTION_MESSAGE.test(error.message);
  if (!unavailable && !(error instanceof AggregateError && error.errors.some((e) => pgUnavailable(e) !== undefined))) return undefined;
  return new StoreUnavailableError(`The Postgres store is unavailable: ${error.message || (typeof code === "string" ? code : "connection failed")}`, typeof code === "string" ? code : undefined, { cause: error });
}





