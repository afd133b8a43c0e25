import Database from "better-sqlite3";

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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS verdicts (
  cache_key TEXT PRIMARY KEY,
  digest TEXT NOT NULL,
  policy_digest TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  verdict TEXT NOT NULL,
  allowed INTEGER NOT NULL,
  rules TEXT NOT NULL,
  report TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS verdicts_by_digest ON verdicts(digest);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  repo TEXT NOT NULL,
  revision TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  path TEXT NOT NULL,
  digest TEXT NOT NULL,
  verdict TEXT NOT NULL,
  decision TEXT NOT NULL,
  rules TEXT NOT NULL,
  status INTEGER NOT NULL,
  reason TEXT NOT NULL,
  verdict_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  policy TEXT,
  rate_per_minute INTEGER,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
`;

interface VerdictRow {
  cache_key: string;
  digest: string;
  policy_digest: string;
  tool_version: string;
  verdict: string;
  allowed: number;
  rules: string;
  report: string;
  created_at: string;
}

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: AuditEntry["action"];
  repo: string;
  revision: string;
  commit_sha: string;
  path: string;
  digest: string;
  verdict: string;
  decision: AuditEntry["decision"];
  rules: string;
  status: number;
  reason: string;
  verdict_key: string;
}

interface TokenRow {
  id: string;
  name: string;
  hash: string;
  scopes: string;
  policy: string | null;
  rate_per_minute: number | null;
  created_at: string;
  revoked_at: string | null;
}

/**
 * The embedded default: one SQLite file in WAL mode. Every write is one transaction committed
 * before the gate answers (synchronous=FULL), so a verdict that was answered survives kill -9 and
 * a half-written row is never visible.
 *
 * @example
 * const store = SqliteStore.open("modelvet-gate.db");
 */
export class SqliteStore implements VerdictStore {
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

  static open(path: string): SqliteStore {
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    db.exec(SCHEMA);
    return new SqliteStore(db);
  }

  async getVerdict(key: string): Promise<StoredVerdict | undefined> {
    const row = this.statement("SELECT * FROM verdicts WHERE cache_key = ?").get(key) as VerdictRow | undefined;
    return row ? verdictFromRow(row) : undefined;
  }

  async putVerdict(v: StoredVerdict): Promise<void> {
    const sql = `INSERT OR REPLACE INTO verdicts (cache_key, digest, policy_digest, tool_version, verdict, allowed, rules, report, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    this.statement(sql).run(v.key, v.digest, v.policyDigest, v.toolVersion, v.verdict, v.allowed ? 1 : 0, JSON.stringify(v.rules), v.report, v.createdAt);
  }

  async verdictsByDigest(digest: string): Promise<StoredVerdict[]> {
    return (this.statement("SELECT * FROM verdicts WHERE digest = ? ORDER BY created_at DESC").all(digest) as VerdictRow[]).map(verdictFromRow);
  }

  async appendAudit(e: AuditEntry): Promise<number> {
    const sql = `INSERT INTO audit (at, actor, action, repo, revision, commit_sha, path, digest, verdict, decision, rules, status, reason, verdict_key)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    const result = this.statement(sql).run(e.at, e.actor, e.action, e.repo, e.revision, e.commit, e.path, e.digest, e.verdict, e.decision, JSON.stringify(e.rules), e.status, e.reason, e.verdictKey);
    return Number(result.lastInsertRowid);
  }

  async recentAudit(limit: number): Promise<AuditEntry[]> {
    return (this.statement("SELECT * FROM audit ORDER BY id DESC LIMIT ?").all(limit) as AuditRow[]).map(auditFromRow);
  }

  async auditEntry(id: number): Promise<AuditEntry | undefined> {
    const row = this.statement("SELECT * FROM audit WHERE id = ?").get(id) as AuditRow | undefined;
    return row ? auditFromRow(row) : undefined;
  }

  async createToken(t: TokenRecord): Promise<void> {
    this.db
      .prepare("INSERT INTO tokens (id, name, hash, scopes, policy, rate_per_minute, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(t.id, t.name, t.hash, t.scopes.join(","), t.policy ?? null, t.ratePerMinute ?? null, t.createdAt, t.revokedAt ?? null);
  }

  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const row = this.statement("SELECT * FROM tokens WHERE hash = ?").get(hash) as TokenRow | undefined;
    return row ? tokenFromRow(row) : undefined;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (this.statement("SELECT * FROM tokens ORDER BY created_at").all() as TokenRow[]).map(tokenFromRow);
  }

  async revokeToken(id: string, at: string): Promise<boolean> {
    return this.db.prepare("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(at, id).changes > 0;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function verdictFromRow(r: VerdictRow): StoredVerdict {
  return {
    key: r.cache_key,
    digest: r.digest,
    policyDigest: r.policy_digest,
    toolVersion: r.tool_version,
    verdict: r.verdict,
    allowed: r.allowed === 1,
    rules: JSON.parse(r.rules) as string[],
    report: r.report,
    createdAt: r.created_at,
  };
}

function auditFromRow(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    repo: r.repo,
    revision: r.revision,
    commit: r.commit_sha,
    path: r.path,
    digest: r.digest,
    verdict: r.verdict,
    decision: r.decision,
    rules: JSON.parse(r.rules) as string[],
    status: r.status,
    reason: r.reason,
    verdictKey: r.verdict_key,
  };
}

function tokenFromRow(r: TokenRow): TokenRecord {
  return {
    id: r.id,
    name: r.name,
    hash: r.hash,
    scopes: r.scopes.split(",").filter((s) => s !== ""),
    policy: r.policy ?? undefined,
    ratePerMinute: r.rate_per_minute ?? undefined,
    createdAt: r.created_at,
    revokedAt: r.revoked_at ?? undefined,
  };
}
