import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Whether Debian's `redis-server` is installed (`apt-get install -y redis-server`); tests needing
 * it skip without, except where MODELVET_REQUIRE_SERVICES=1 (CI), where its absence is an error so
 * a broken install cannot pass as green.
 */
export const HAVE_REDIS: boolean = redisInstalled();

function redisInstalled(): boolean {
  const found = spawnSync("redis-server", ["--version"]).status === 0;
  if (!found && process.env.MODELVET_REQUIRE_SERVICES === "1") throw new Error("Redis is required here (MODELVET_REQUIRE_SERVICES=1) but redis-server is not installed (apt-get install -y redis-server)");
  return found;
}

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and waits for it; its data is gone (no persistence). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

/** A free loopback port: bound then released (a small race with other processes, fine for tests). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real `redis-server` on a free loopback port, in a temporary folder, without persistence, for
 * tests and benches that need Redis (BullMQ). No mocks: the queue's behaviour when Redis goes
 * away and comes back is what the fault tests check.
 *
 * @example
 * const redis = await startRedis();
 * const queue = BullQueue.open({ url: redis.url, toolVersion: "test" });
 * await redis.close();
 */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "modelvet-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--protected-mode", "yes"];
    const proc = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const onData = (chunk: Buffer): void => {
        out += chunk.toString();
        if (out.includes("Ready to accept connections")) {
          proc.stdout?.off("data", onData);
          proc.stdout?.resume();
          resolve();
        }
      };
      proc.stdout?.on("data", onData);
      proc.stderr?.resume();
      proc.once("exit", (code) => reject(new Error(`redis-server exited (code ${code}) before it was ready: ${out.slice(-500)}`)));
    });
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGTERM");
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
