import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { VERSION } from "../../node/version.js";
import { UsageError } from "../exit-codes.js";
import type { CommandContext } from "./context.js";
import { openStore } from "./store-url.js";

interface WorkerFlags {
  queue: string;
  queueName: string;
  db: string;
  upstream?: string;
  policy?: string;
  concurrency: string;
  scanTimeoutMs: string;
  lockMs: string;
  stalledMs: string;
  maxStalled: string;
}

/**
 * `modelvet worker`: takes the gate's (and crawls') scan jobs from the BullMQ queue, resolves each
 * file on the upstream, scans it on a worker thread with the gate's limits, and stores the verdict
 * where the gate reads it. Run any number of them, on any number of machines.
 */
export function addWorkerCommand(program: Command, ctx: CommandContext): void {
  program
    .command("worker")
    .description("take scan jobs from the gate's queue (modelvet serve --queue) and store the verdicts (docs/deployment.md)")
    .requiredOption("--queue <url>", "the queue's Redis, redis://host:port (the gate's --queue)")
    .option("--queue-name <name>", "the BullMQ queue's name (the gate's --queue-name)", "modelvet-scan")
    .option("--db <url>", "the gate's store, its --db: a SQLite file shared on this machine, or postgres://… for workers on other machines", "modelvet-gate.db")
    .option("--upstream <url>", "upstream hub (default: HF_ENDPOINT, else https://huggingface.co)")
    .option("-p, --policy <file>", "the gate's policy file (its --policy); token policies are read from the store")
    .option("--concurrency <n>", "jobs at once, each scanned on its own worker thread", "1")
    .option("--scan-timeout-ms <ms>", "time limit of one file's scan (the gate's scanTimeoutMillis)", "120000")
    .option("--lock-ms <ms>", "visibility timeout: a job whose worker stops renewing its claim this long returns to the queue", "30000")
    .option("--stalled-ms <ms>", "how often to look for jobs of dead workers", "30000")
    .option("--max-stalled <n>", "times a job may lose its worker before it is dead-lettered as poison", "1")
    .action(async (flags: WorkerFlags) => {
      const env = ctx.io.env ?? {};
      const concurrency = positive(flags.concurrency, "--concurrency");
      const scanTimeoutMillis = positive(flags.scanTimeoutMs, "--scan-timeout-ms");
      const lockMillis = positive(flags.lockMs, "--lock-ms");
      const stalledIntervalMillis = positive(flags.stalledMs, "--stalled-ms");
      const maxStalledCount = positive(flags.maxStalled, "--max-stalled");
      if (!/^rediss?:\/\//.test(flags.queue)) throw new UsageError(`--queue must be a redis:// or rediss:// URL, got ${JSON.stringify(flags.queue)}`);
      const policyText = flags.policy === undefined ? undefined : await readFile(flags.policy, "utf8").catch((e: Error) => {
        throw new UsageError(`cannot read policy ${JSON.stringify(flags.policy)}: ${e.message}`);
      });
      const upstream = flags.upstream ?? (await import("../../node/remote-scan.js")).hfEndpoint(env);
      const { runWorker } = await import("../../service/worker.js");
      const store = await openStore(flags.db);
      const running = await runWorker({
        queueUrl: flags.queue,
        queueName: flags.queueName,
        store,
        upstream,
        upstreamToken: env.MODELVET_UPSTREAM_TOKEN || env.HF_TOKEN || undefined,
        policyText,
        toolVersion: VERSION,
        concurrency,
        scanTimeoutMillis,
        lockMillis,
        stalledIntervalMillis,
        maxStalledCount,
        log: (line) => ctx.io.stderr.write(`${line}\n`),
      });
      ctx.io.stderr.write(`modelvet worker ${process.pid} ready: queue ${redactUrl(flags.queue)}, upstream ${upstream}, concurrency ${concurrency}\n`);
      const stop = (): void => {
        void running.close();
      };
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
      await running.closed;
      // Closed. What still holds the event loop is work the close could not wait for (a job whose
      // download is in flight when Redis went away during the close; runWorker logged it) or a
      // timer of BullMQ's: neither may keep a stopped worker alive.
      ctx.io.exitWhenDone?.();
    });
}

function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.href;
  } catch {
    return "(invalid URL)";
  }
}
