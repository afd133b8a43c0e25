import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PG_HOOK_MILLIS, postgresUnavailableReason, startTestPostgres, type TestPostgres } from "../test-support/postgres.js";
import type { CrawlState, FileResult } from "./jobs.js";
import { openStore } from "./open-store.js";
import { resultCursor, type Store } from "./store-common.js";
import { InvalidCursorError, SchemaTooNewError, StoreUnavailableError } from "./store-errors.js";
import { withDurableCommits } from "./store-postgres.js";
import type { AuditEntry, StoredVerdict, TokenRecord } from "./store.js";

/** What the contract needs from each database, beyond the store itself. */
interface Harness {
  name: "sqlite" | "postgres";
  skip: string | undefined;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** A URL of an empty database. */
  fresh(): Promise<string>;
  open(url: string): Promise<MigratedStore>;
  /** Runs SQL on the database behind the store's back. */
  exec(url: string, sql: string): Promise<void>;
  /** Makes the database refuse work (writes at least); resolves with the way back. */
  takeDown(url: string): Promise<() => Promise<void>>;
}

type MigratedStore = Store & { migrationsApplied(): Promise<number[]> };

function sqliteHarness(): Harness {
  let dir = "";
  let count = 0;
  return {
    name: "sqlite",
    skip: undefined,
    async setup() {
      dir = mkdtempSync(join(tmpdir(), "modelvet-store-"));
    },
    async teardown() {
      rmSync(dir, { recursive: true, force: true });
    },
    async fresh() {
      return `sqlite:${join(dir, `store-${++count}.db`)}`;
    },
    // A short busy timeout: the store-down case waits it out once.
    open: async (url) => (await openStore(url, { sqlite: { busyTimeoutMillis: 50 } })) as MigratedStore,
    async exec(url, sql) {
      const db = new Database(url.slice("sqlite:".length));
      db.exec(sql);
      db.close();
    },
    async takeDown(url) {
      // Another process holding the write lock past the busy timeout: SQLite's way of being down.
      const db = new Database(url.slice("sqlite:".length));
      db.exec("BEGIN EXCLUSIVE");
      return async () => {
        db.exec("ROLLBACK");
        db.close();
      };
    },
  };
}

function postgresHarness(): Harness {
  let server: TestPostgres | undefined;
  const skip = postgresUnavailableReason();
  if (skip) console.warn(`Skipping the Postgres store contract tests: ${skip}.`);
  return {
    name: "postgres",
    skip,
    async setup() {
      server = await startTestPostgres();
    },
    async teardown() {
      await server?.close();
    },
    fresh: async () => server!.createDatabase(),
    open: async (url) => (await openStore(url, { postgres: { connectTimeoutMillis: 2000 } })) as MigratedStore,
    async exec(url, sql) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
    async takeDown() {
      await server!.stop();
      return () => server!.start();
    },
  };
}

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

function verdict(key: string, overrides: Partial<StoredVerdict> = {}): StoredVerdict {
  const [digest = "", policyDigest = "", toolVersion = ""] = key.split("|");
  return { key, digest, policyDigest, toolVersion, verdict: "unsafe", allowed: false, rules: ["PKL001", "PKL002"], report: '{"verdict":"unsafe","findings":[]}', createdAt: at(0), ...overrides };
}

function audit(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: at(1),
    actor: "alice",
    action: "pull",
    repo: "acme/model",
    revision: "main",
    commit: "c".repeat(40),
    path: "pytorch_model.bin",
    digest: `sha256:${"a".repeat(64)}`,
    verdict: "unsafe",
    decision: "block",
    rules: ["PKL001"],
    status: 403,
    reason: "verdict unsafe (PKL001)",
    verdictKey: `sha256:${"a".repeat(64)}|p|1`,
    ...overrides,
  };
}

function fileResult(repo: string, path: string, second: number, rules: string[], overrides: Partial<FileResult> = {}): FileResult {
  return {
    repo,
    revision: "r".repeat(40),
    path,
    digest: `sha256:${second.toString(16).padStart(64, "0")}`,
    verdictKey: `sha256:${second.toString(16).padStart(64, "0")}|p|1`,
    verdict: rules.length > 0 ? "unsafe" : "clean",
    rules,
    scannedAt: at(second),
    ...overrides,
  };
}

/** Every page of a paginated query, following the cursor of each page's last row. */
async function allPages(page: (after: string | undefined) => Promise<FileResult[]>, size: number): Promise<FileResult[][]> {
  const pages: FileResult[][] = [];
  let after: string | undefined;
  for (;;) {
    const rows = await page(after);
    if (rows.length === 0) return pages;
    pages.push(rows);
    expect(rows.length).toBeLessThanOrEqual(size);
    after = resultCursor(rows[rows.length - 1]!);
  }
}

describe.each([sqliteHarness(), postgresHarness()])("store contract: $name", (harness) => {
  describe.skipIf(harness.skip !== undefined)(harness.name, () => {
    let url: string;
    let store: MigratedStore;

    beforeAll(async () => {
      await harness.setup();
      url = await harness.fresh();
      store = await harness.open(url);
    }, PG_HOOK_MILLIS);
    afterAll(async () => {
      await store?.close();
      await harness.teardown();
    }, PG_HOOK_MILLIS);

    it("stores a verdict and reads it back as written", async () => {
      const v = verdict(`sha256:${"1".repeat(64)}|pol|1.0`);
      await store.putVerdict(v);
      expect(await store.getVerdict(v.key)).toEqual(v);
      expect(await store.getVerdict(`sha256:${"1".repeat(64)}|pol|2.0`)).toBeUndefined();
      const clean = verdict(`sha256:${"1".repeat(64)}|other|1.0`, { verdict: "clean", allowed: true, rules: [], createdAt: at(5) });
      await store.putVerdict(clean);
      expect(await store.verdictsByDigest(`sha256:${"1".repeat(64)}`)).toEqual([clean, v]);
    });

    it("records one verdict when the same key is judged twice: the first stays", async () => {
      const first = verdict(`sha256:${"2".repeat(64)}|pol|1.0`);
      await store.putVerdict(first);
      await store.putVerdict({ ...first, verdict: "clean", allowed: true, rules: [], createdAt: at(9) });
      expect(await store.verdictsByDigest(first.digest)).toEqual([first]);
    });

    it("lets concurrent writers of one verdict key, through two connections, all succeed with one verdict recorded", async () => {
      const second = await harness.open(url);
      try {
        const key = `sha256:${"3".repeat(64)}|pol|1.0`;
        const writes = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? store : second).putVerdict(verdict(key, { createdAt: at(i) })));
        await Promise.all(writes);
        const stored = await store.verdictsByDigest(`sha256:${"3".repeat(64)}`);
        expect(stored).toHaveLength(1);
        expect(await second.getVerdict(key)).toEqual(stored[0]);
      } finally {
        await second.close();
      }
    });

    it("appends to the audit log with increasing ids, newest first", async () => {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(await store.appendAudit(audit({ at: at(10 + i), path: `f${i}.bin` })));
      expect(ids[1]).toBeGreaterThan(ids[0]!);
      expect(ids[2]).toBeGreaterThan(ids[1]!);
      const recent = await store.recentAudit(2);
      expect(recent.map((e) => e.path)).toEqual(["f2.bin", "f1.bin"]);
      expect(await store.auditEntry(ids[0]!)).toEqual({ ...audit({ at: at(10), path: "f0.bin" }), id: ids[0] });
      expect(await store.auditEntry(999_999)).toBeUndefined();
    });

    it("keeps tokens by hash and revokes them once", async () => {
      const token: TokenRecord = { id: "tok1", name: "ci", hash: "h".repeat(64), scopes: ["pull", "scan"], policy: '{"version": 1}', ratePerMinute: 60, createdAt: at(20), revokedAt: undefined };
      const bare: TokenRecord = { id: "tok2", name: "laptop", hash: "g".repeat(64), scopes: ["pull"], policy: undefined, ratePerMinute: undefined, createdAt: at(21), revokedAt: undefined };
      await store.createToken(token);
      await store.createToken(bare);
      expect(await store.tokenByHash(token.hash)).toEqual(token);
      expect(await store.tokenByHash("x".repeat(64))).toBeUndefined();
      expect(await store.listTokens()).toEqual([token, bare]);
      expect(await store.revokeToken("tok1", at(22))).toBe(true);
      expect(await store.revokeToken("tok1", at(23))).toBe(false);
      expect((await store.tokenByHash(token.hash))?.revokedAt).toBe(at(22));
      // A duplicate hash is a bug in the caller, not an outage: not StoreUnavailableError.
      const duplicate = await store.createToken({ ...bare, id: "tok3" }).catch((error: unknown) => error);
      expect(duplicate).toBeInstanceOf(Error);
      expect(duplicate).not.toBeInstanceOf(StoreUnavailableError);
    });

    it("pages file results of one repo newest first, every file once", async () => {
      for (let i = 0; i < 7; i++) await store.recordFileResult(fileResult("acme/pager", `m${i}.bin`, 100 + (i % 3), i % 2 ? ["PKL001"] : []));
      await store.recordFileResult(fileResult("acme/other", "x.bin", 200, ["PKL001"]));
      const pages = await allPages((after) => store.filesByRepo("acme/pager", 3, after), 3);
      const rows = pages.flat();
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      expect(new Set(rows.map((r) => r.path)).size).toBe(7);
      expect(rows.every((r) => r.repo === "acme/pager")).toBe(true);
      const order = rows.map((r) => `${r.scannedAt}|${r.path}`);
      expect(order).toEqual([...order].sort().reverse());
      expect(rows.find((r) => r.path === "m1.bin")).toEqual(fileResult("acme/pager", "m1.bin", 101, ["PKL001"]));
    });

    it("finds files by rule, within one organisation or across all, page by page", async () => {
      await store.recordFileResult(fileResult("rules-a/one", "a.pkl", 300, ["PKL001", "PKL001", "PKL004"], { crawlId: "crawl-1" }));
      await store.recordFileResult(fileResult("rules-a/two", "b.pkl", 301, ["PKL004"]));
      await store.recordFileResult(fileResult("rules-a/two", "c.pkl", 302, ["PKL004"]));
      await store.recordFileResult(fileResult("rules-b/one", "d.pkl", 303, ["PKL004"]));
      await store.recordFileResult(fileResult("rules-ab/one", "e.pkl", 304, ["PKL004"]));
      const all = (await allPages((after) => store.filesByRule("PKL004", { limit: 2, after }), 2)).flat();
      expect(all.map((r) => r.path)).toEqual(["e.pkl", "d.pkl", "c.pkl", "b.pkl", "a.pkl"]);
      expect(all[4]).toEqual(fileResult("rules-a/one", "a.pkl", 300, ["PKL001", "PKL004"], { crawlId: "crawl-1" }));
      // "rules-a" is an organisation, not a prefix: rules-ab is another one.
      for (const org of ["rules-a", "rules-a/"]) {
        const inOrg = (await allPages((after) => store.filesByRule("PKL004", { org, limit: 1, after }), 1)).flat();
        expect(inOrg.map((r) => `${r.repo}/${r.path}`)).toEqual(["rules-a/two/c.pkl", "rules-a/two/b.pkl", "rules-a/one/a.pkl"]);
      }
      expect(await store.filesByRule("PKL999", { limit: 10 })).toEqual([]);
    });

    it("keeps the newest result per file, and its rules move with it", async () => {
      await store.recordFileResult(fileResult("fix/model", "w.bin", 400, ["PKL001"]));
      await store.recordFileResult(fileResult("fix/model", "w.bin", 410, [], { revision: "s".repeat(40) }));
      // A retried job delivering the older result late changes nothing.
      await store.recordFileResult(fileResult("fix/model", "w.bin", 405, ["PKL001"]));
      expect(await store.filesByRepo("fix/model", 10)).toEqual([fileResult("fix/model", "w.bin", 410, [], { revision: "s".repeat(40) })]);
      expect(await store.filesByRule("PKL001", { org: "fix", limit: 10 })).toEqual([]);
    });

    it("rejects a cursor it did not make as the caller's error", async () => {
      await expect(store.filesByRepo("acme/pager", 10, "not-a-cursor")).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(store.filesByRule("PKL001", { limit: 10, after: "2026|x" })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it("saves crawl state, updates it in place and lists crawls newest first", async () => {
      const crawl: CrawlState = { id: "crawl-a", target: "org:acme", status: "listing", cursor: "https://hub/api/models?cursor=abc", reposListed: 10, filesQueued: 0, startedAt: at(500), updatedAt: at(500) };
      await store.saveCrawl(crawl);
      await store.saveCrawl({ id: "crawl-b", target: "hub", status: "queued", cursor: "", reposListed: 3_000_000_000, filesQueued: 12, startedAt: at(501), updatedAt: at(502) });
      const done = { ...crawl, status: "done" as const, cursor: "", reposListed: 25, filesQueued: 120, updatedAt: at(510) };
      await store.saveCrawl(done);
      expect(await store.getCrawl("crawl-a")).toEqual(done);
      expect(await store.getCrawl("nope")).toBeUndefined();
      expect((await store.listCrawls(10)).map((c) => c.id)).toEqual(["crawl-b", "crawl-a"]);
      expect((await store.listCrawls(1)).map((c) => c.id)).toEqual(["crawl-b"]);
      expect((await store.getCrawl("crawl-b"))?.reposListed).toBe(3_000_000_000);
    });

    it("keeps a crawler's own fields beside the contract's (counts, last error, policy digest), and nothing else", async () => {
      const extended = { id: "crawl-x", target: "org:acme", status: "listing" as const, cursor: "", reposListed: 2, filesQueued: 5, startedAt: at(600), updatedAt: at(600), filesKnown: 7, reposSkipped: 1, lastError: "acme/gone: 404", policyDigest: "f".repeat(64), nested: { no: 1 } };
      await store.saveCrawl(extended);
      const { nested: _dropped, ...kept } = extended;
      expect(await store.getCrawl("crawl-x")).toEqual(kept);
      expect((await store.listCrawls(1000)).find((c) => c.id === "crawl-x")).toEqual(kept);
    });

    it("applies each migration once, however often and however concurrently it is opened", async () => {
      expect(await store.migrationsApplied()).toEqual([1, 2, 3]);
      const again = await harness.open(url);
      expect(await again.migrationsApplied()).toEqual([1, 2, 3]);
      expect(await again.getVerdict(`sha256:${"2".repeat(64)}|pol|1.0`)).toBeDefined();
      await again.close();
      const empty = await harness.fresh();
      const racing = await Promise.all([harness.open(empty), harness.open(empty), harness.open(empty)]);
      for (const s of racing) expect(await s.migrationsApplied()).toEqual([1, 2, 3]);
      await Promise.all(racing.map((s) => s.close()));
    });

    it("refuses a database migrated by a newer modelvet", async () => {
      const newer = await harness.fresh();
      await (await harness.open(newer)).close();
      await harness.exec(newer, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', '2030-01-01T00:00:00.000Z')");
      await expect(harness.open(newer)).rejects.toBeInstanceOf(SchemaTooNewError);
    });

    it("rejects with StoreUnavailableError while the database is down, and works again when it is back", async () => {
      const restore = await harness.takeDown(url);
      let restored = false;
      try {
        const v = verdict(`sha256:${"4".repeat(64)}|pol|1.0`);
        await expect(store.putVerdict(v)).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.appendAudit(audit())).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.recordFileResult(fileResult("down/x", "y.bin", 600, []))).rejects.toBeInstanceOf(StoreUnavailableError);
        await restore();
        restored = true;
        await store.putVerdict(v);
        expect(await store.getVerdict(v.key)).toEqual(v);
      } finally {
        if (!restored) await restore();
      }
    });

    it("rejects with StoreUnavailableError once closed", async () => {
      const other = await harness.open(url);
      await other.close();
      await expect(other.getVerdict("x")).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
});

describe("SQLite store from before migrations", () => {
  /** The schema the gate created on every start before migrations existed (commit d10a74d). */
  const LEGACY_SCHEMA = `
CREATE TABLE IF NOT EXISTS verdicts (cache_key TEXT PRIMARY KEY, digest TEXT NOT NULL, policy_digest TEXT NOT NULL, tool_version TEXT NOT NULL,
  verdict TEXT NOT NULL, allowed INTEGER NOT NULL, rules TEXT NOT NULL, report TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS verdicts_by_digest ON verdicts(digest);
CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, repo TEXT NOT NULL,
  revision TEXT NOT NULL, commit_sha TEXT NOT NULL, path TEXT NOT NULL, digest TEXT NOT NULL, verdict TEXT NOT NULL, decision TEXT NOT NULL,
  rules TEXT NOT NULL, status INTEGER NOT NULL, reason TEXT NOT NULL, verdict_key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, scopes TEXT NOT NULL, policy TEXT,
  rate_per_minute INTEGER, created_at TEXT NOT NULL, revoked_at TEXT);`;

  it("is recognised as version 1, keeps its rows and gains the later versions", async () => {
    const dir = mkdtempSync(join(tmpdir(), "modelvet-legacy-"));
    try {
      const path = join(dir, "old-gate.db");
      const db = new Database(path);
      db.exec(LEGACY_SCHEMA);
      db.prepare("INSERT INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").run("sha256:ab|p|0.1", "sha256:ab", "p", "0.1", "clean", 1, "[]", "{}", at(0));
      db.prepare("INSERT INTO tokens (id, name, hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)").run("t", "old", "hash", "pull,scan", at(0));
      db.close();
      const store = (await openStore(path)) as MigratedStore;
      try {
        expect(await store.migrationsApplied()).toEqual([1, 2, 3]);
        expect(await store.getVerdict("sha256:ab|p|0.1")).toMatchObject({ verdict: "clean", allowed: true, rules: [] });
        expect((await store.tokenByHash("hash"))?.scopes).toEqual(["pull", "scan"]);
        await store.recordFileResult(fileResult("old/x", "y.bin", 1, ["PKL001"]));
        expect(await store.filesByRule("PKL001", { limit: 1 })).toHaveLength(1);
      } finally {
        await store.close();
      }
      const check = new Database(path, { readonly: true });
      expect(check.prepare("SELECT name FROM schema_migrations WHERE version = 1").pluck().get()).toMatch(/found, made before migrations/);
      check.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Several processes need compiled code: this test uses the build (npm ci / npm run build makes it).
const builtStore = new URL("../../dist/service/store.js", import.meta.url);

describe.skipIf(!existsSync(builtStore))("SQLite migrations from several processes at once (from dist/)", () => {
  /** Starts a process that opens `path` when told to go, and prints the versions it then sees. */
  function opener(path: string) {
    const script = `
      import { SqliteStore } from ${JSON.stringify(builtStore.href)};
      process.stdout.write("ready\\n");
      process.stdin.once("data", async () => {
        const store = SqliteStore.open(${JSON.stringify(path)});
        process.stdout.write(JSON.stringify(await store.migrationsApplied()) + "\\n");
        await store.close();
        process.exit(0);
      });`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const ready = new Promise<void>((resolve) => child.stdout.on("data", () => out.includes("ready") && resolve()));
    const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on("close", (code) => resolve({ code, out, err })));
    return { ready, done, go: () => child.stdin.end("go\n") };
  }

  it("applies each migration once when four processes open a new file together", async () => {
    const dir = mkdtempSync(join(tmpdir(), "modelvet-race-"));
    try {
      const path = join(dir, "raced.db");
      const openers = Array.from({ length: 4 }, () => opener(path));
      await Promise.all(openers.map((o) => o.ready));
      for (const o of openers) o.go();
      for (const result of await Promise.all(openers.map((o) => o.done))) {
        expect(result.err).toBe("");
        expect(result.code).toBe(0);
        expect(result.out.trim().split("\n").pop()).toBe("[1,2,3]");
      }
      const db = new Database(path, { readonly: true });
      expect(db.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all()).toEqual([1, 2, 3]);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Postgres durable commits", () => {
  it("keeps synchronous_commit=on in the startup options, next to the URL's own", () => {
    const url = new URL(withDurableCommits("postgres://u:p%40ss@db:5432/modelvet?options=-c%20work_mem%3D8MB&sslmode=require"));
    expect(url.searchParams.get("options")).toBe("-c work_mem=8MB -c synchronous_commit=on");
    expect(url.searchParams.get("sslmode")).toBe("require");
    expect(url.password).toBe("p%40ss");
    expect(new URL(withDurableCommits("postgres://db/m")).searchParams.get("options")).toBe("-c synchronous_commit=on");
    // A Unix socket folder in the query keeps its value.
    expect(new URL(withDurableCommits("postgres:///modelvet?host=/var/run/postgresql")).searchParams.get("host")).toBe("/var/run/postgresql");
  });
});
