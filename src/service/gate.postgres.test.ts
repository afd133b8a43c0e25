import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { HUB_REPOS, makeHubFolder } from "../test-support/hub-fixtures.js";
import { startHubStandin, type HubStandin } from "../test-support/hub-standin.js";
import { PG_HOOK_MILLIS, postgresUnavailableReason, startTestPostgres, type TestPostgres } from "../test-support/postgres.js";
import { runCli } from "../test-support/run-cli.js";
import { buildGate } from "./app.js";
import { StoreUnavailableError } from "./store-errors.js";
import { PostgresStore } from "./store-postgres.js";

const skip = postgresUnavailableReason();
if (skip) console.warn(`Skipping the gate-on-Postgres tests: ${skip}.`);

/** The gate on a real Postgres: `--db postgres://…` end to end, and what a client sees while Postgres is down. */
describe.skipIf(skip !== undefined)("the gate on Postgres", () => {
  let pg: TestPostgres;
  let url: string;
  let store: PostgresStore;
  let hub: HubStandin;
  let folder: ReturnType<typeof makeHubFolder>;
  let app: FastifyInstance;
  let gate: string;

  beforeAll(async () => {
    pg = await startTestPostgres();
    url = await pg.createDatabase();
    folder = makeHubFolder();
    hub = await startHubStandin({ root: folder.root });
    store = await PostgresStore.open(url, { connectTimeoutMillis: 2000 });
    app = await buildGate({ upstream: hub.url, store, toolVersion: "test", anonymousScopes: ["pull"] });
    gate = await app.listen({ port: 0, host: "127.0.0.1" });
  }, PG_HOOK_MILLIS);
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await hub?.close();
    folder?.cleanup();
    await pg?.close();
  }, PG_HOOK_MILLIS);

  it("keeps tokens made by `modelvet serve token create --db postgres://…`", async () => {
    const created = await runCli(["serve", "token", "create", "--scope", "pull", "--name", "ci-on-pg", "--db", url]);
    expect(created.code).toBe(0);
    expect(created.stdout.trim()).toMatch(/^hf_mvg_/);
    expect((await store.listTokens()).map((t) => t.name)).toContain("ci-on-pg");
    const listed = await runCli(["serve", "token", "list", "--db", url]);
    expect(listed.stdout).toMatch(/\tci-on-pg\tpull\tactive$/m);
  });

  it("refuses a --db URL of another database as a usage error", async () => {
    const bad = await runCli(["serve", "token", "list", "--db", "mysql://u:secret@db/m"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unsupported store URL scheme/);
    expect(bad.stderr).not.toContain("secret");
  });

  it("answers 503 and serves nothing while Postgres is down, then recovers by itself", async () => {
    const file = (path: string) => fetch(`${gate}/${HUB_REPOS.clean}/resolve/main/${path}`);
    const before = await file("config.json");
    expect(before.status).toBe(200);
    expect(await before.text()).toContain("bert");

    await pg.stop();
    let restarted = false;
    try {
      for (const path of ["config.json", "README.md", "pytorch_model.bin"]) {
        const down = await file(path);
        expect(down.status, path).toBe(503);
        expect(down.headers.get("x-error-code")).toBe("StoreUnavailable");
        expect(down.headers.get("retry-after")).toBe("5");
        expect(down.headers.get("x-modelvet-verdict")).toBeNull();
        expect(await down.text()).not.toContain("bert");
      }
      await pg.start();
      restarted = true;
    } finally {
      if (!restarted) await pg.start();
    }
    const after = await file("README.md");
    expect(after.status).toBe(200);
    expect(await after.text()).toContain("clean model");
    const metrics = await (await fetch(`${gate}/metrics`)).text();
    expect(metrics).toMatch(/^modelvet_gate_store_unavailable_total 3$/m);
    const decisions = await store.recentAudit(10);
    expect(decisions[0]).toMatchObject({ path: "README.md", decision: "allow" });
  });
});

/**
 * A process that stops (`modelvet worker`, `modelvet serve`) closes its store last: the pool's
 * end waits for the queries in flight. One held by a lock, or by a server that stopped answering,
 * must not hold the stop past the query bound (queryTimeoutMillis; PG_QUERY_TIMEOUT_MILLIS, 30 s,
 * by default).
 */
describe.skipIf(skip !== undefined)("the Postgres store's close with a query held", () => {
  let pg: TestPostgres;
  let url: string;
  beforeAll(async () => {
    pg = await startTestPostgres();
    url = await pg.createDatabase();
  }, PG_HOOK_MILLIS);
  afterAll(async () => pg?.close(), PG_HOOK_MILLIS);

  it("returns within the query bound, and the held query fails as StoreUnavailable, not as a verdict", async () => {
    const store = await PostgresStore.open(url, { connectTimeoutMillis: 2000, queryTimeoutMillis: 600 });
    // Another session holds the verdicts table: the store's next read waits on it.
    const locker = new Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query("LOCK TABLE verdicts IN ACCESS EXCLUSIVE MODE");
      const read = store.getVerdict("sha256:held|p|t").then(
        (v) => ({ value: v }),
        (e: unknown) => ({ error: e }),
      );
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await store.close();
      // Released by the query bound (600 ms), then the pool ends; 30 s with the default.
      expect(Date.now() - started).toBeLessThan(3_000);
      const outcome = await read;
      expect("error" in outcome && outcome.error).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await locker.query("ROLLBACK").catch(() => undefined);
      await locker.end();
    }
    // The near miss: with nothing held, the same read is answered (no verdict) before the bound.
    const again = await PostgresStore.open(url, { connectTimeoutMillis: 2000, queryTimeoutMillis: 600 });
    expect(await again.getVerdict("sha256:held|p|t")).toBeUndefined();
    await again.close();
  });
});
