import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "pg";

const run = promisify(execFile);

/**
 * Time for a hook that starts or stops a cluster: initdb and a start take 2-3 s on an idle machine,
 * and many times that on a loaded 2-core CI machine.
 */
export const PG_HOOK_MILLIS = 120_000;

/** The OS user a cluster runs as when the tests run as root (Postgres refuses to run as root). */
const POSTGRES_USER = "postgres";

/**
 * The directory of the newest installed Postgres server binaries (Debian: /usr/lib/postgresql/N/bin),
 * or MODELVET_TEST_PG_BIN; undefined when there is none, and the Postgres tests skip.
 */
export function postgresBinDir(): string | undefined {
  const fromEnv = process.env.MODELVET_TEST_PG_BIN;
  if (fromEnv) return existsSync(join(fromEnv, "initdb")) ? fromEnv : undefined;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, "bin", "initdb")) && existsSync(join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

/**
 * Why the Postgres tests cannot run here, or undefined when they can. With MODELVET_REQUIRE_SERVICES=1
 * (CI sets it) or MODELVET_REQUIRE_POSTGRES=1 a missing Postgres is an error instead of a skip, so a broken install cannot pass as green.
 */
export function postgresUnavailableReason(): string | undefined {
  const reason = !postgresBinDir()
    ? "Postgres server binaries not found under /usr/lib/postgresql/*/bin (apt-get install -y postgresql, or set MODELVET_TEST_PG_BIN)"
    : isRoot() && !existsSync("/usr/sbin/runuser") && !existsSync("/sbin/runuser")
      ? "running as root without runuser to start Postgres as the postgres user"
      : undefined;
  if (reason && (process.env.MODELVET_REQUIRE_POSTGRES === "1" || process.env.MODELVET_REQUIRE_SERVICES === "1")) {
    throw new Error(`Postgres is required here (MODELVET_REQUIRE_SERVICES=1 or MODELVET_REQUIRE_POSTGRES=1) but ${reason}`);
  }
  return reason;
}

export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`. */
  url: string;
  port: number;
  /** Creates an empty database and returns its URL: one per test keeps tests apart. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (fast shutdown: open connections are cut), keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and deletes its folder. */
  close(): Promise<void>;
}

/**
 * A throwaway Postgres cluster in a temp folder, listening on a free loopback port only, with
 * settings for speed (fsync off: nothing here needs to survive a power cut). Run as the postgres
 * user when the tests run as root.
 *
 * @example
 * const pg = await startTestPostgres();
 * const store = await PostgresStore.open(await pg.createDatabase());
 * await pg.close();
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresUnavailableReason());
  const dir = mkdtempSync(join(tmpdir(), "modelvet-pg-"));
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  const root = isRoot();
  if (root) chownSync(dir, ...postgresIds());
  const as = (command: string, args: string[]) => (root ? run("runuser", ["-u", POSTGRES_USER, "--", join(bin, command), ...args]) : run(join(bin, command), args));
  await as("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]);
  const port = await freePort();
  const serverOptions = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    "-c fsync=off",
    "-c full_page_writes=off",
    "-c max_connections=60",
    "-c shared_buffers=16MB",
  ].join(" ");
  const start = async (): Promise<void> => {
    await as("pg_ctl", ["-D", data, "-l", log, "-o", serverOptions, "-w", "-t", "60", "start"]).catch((error: Error) => {
      const tail = existsSync(log) ? readFileSync(log, "utf8").slice(-2000) : "";
      throw new Error(`Cannot start the test Postgres: ${error.message}\n${tail}`);
    });
  };
  const stop = async (): Promise<void> => {
    await as("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
  };
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    url,
    port,
    async createDatabase(name = `t${process.pid}_${++databases}`) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop,
    start,
    async close() {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

function postgresIds(): [number, number] {
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${POSTGRES_USER}:`));
  const fields = line?.split(":");
  if (!fields || fields.length < 4) throw new Error(`No ${POSTGRES_USER} user in /etc/passwd (running as ${userInfo().username}); Postgres will not run as root`);
  return [Number(fields[2]), Number(fields[3])];
}

/** A port nobody listens on now (the kernel's pick); another process could take it before Postgres does, rarely. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("Cannot find a free port");
  return address.port;
}
