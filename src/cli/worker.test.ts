import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.js";
import { redactUrl } from "./commands/worker.js";

describe("modelvet worker and serve --queue: flags", () => {
  it("refuses a queue that is not a redis:// URL before connecting anywhere", async () => {
    const worker = await runCli(["worker", "--queue", "http://127.0.0.1:6379"]);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain('--queue must be a redis:// or rediss:// URL, got "http://127.0.0.1:6379"');
    const serve = await runCli(["serve", "--queue", "127.0.0.1:6379", "--db", ":memory:"]);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain("--queue must be a redis:// or rediss:// URL");
  });

  it("refuses a visibility timeout or concurrency that is not a positive integer", async () => {
    expect((await runCli(["worker", "--queue", "redis://127.0.0.1:1", "--lock-ms", "0"])).stderr).toContain('--lock-ms must be a positive integer, got "0"');
    expect((await runCli(["worker", "--queue", "redis://127.0.0.1:1", "--concurrency", "two"])).stderr).toContain('--concurrency must be a positive integer, got "two"');
  });

  it("never logs the Redis password", () => {
    expect(redactUrl("redis://default:s3cret@redis.internal:6379/0")).toBe("redis://default:***@redis.internal:6379/0");
  });
});
