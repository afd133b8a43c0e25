import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { VERSION } from "../../node/version.js";
import type { CrawlExtendedState, CrawlTarget } from "../../service/crawl.js";
import { safeLine } from "../../core/safe-text.js";
import { EXIT, UsageError } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import type { CommandContext } from "./context.js";

const DEFAULT_DB = "modelvet-gate.db";
/** Redraw the progress line at most this often. */
const REDRAW_MS = 200;
const CLEAR_LINE = "\r\u001b[2K";

interface CrawlFlags {
  org?: string;
  repos?: string;
  reposFile?: string;
  hub?: boolean;
  upstream?: string;
  db: string;
  queue?: string;
  policy?: string;
  resume?: string;
  status?: string;
  concurrency: string;
  json?: boolean;
}

/**
 * `modelvet crawl`: enqueue every file of an organisation, a list of repos or the whole hub for
 * judging; `--resume ID` continues an interrupted crawl, `--status ID` shows one (docs/crawl.md).
 * The upstream credential is MODELVET_UPSTREAM_TOKEN (or HF_TOKEN) from the environment.
 */
export function addCrawlCommand(program: Command, ctx: CommandContext): void {
  program
    .command("crawl")
    .description("judge every file of a hub organisation, a list of repos or the whole hub; resumable (docs/crawl.md)")
    .option("--org <name>", "every model repo of this organisation")
    .option("--repos <ids>", "comma-separated repo ids, e.g. acme/a,acme/b")
    .option("--repos-file <file>", "repo ids, one per line (# comments)")
    .option("--hub", "every model repo of the hub (paginated listing)")
    .option("--upstream <url>", "hub to crawl (default: HF_ENDPOINT, else https://huggingface.co)")
    .option("--db <url>", "store for verdicts, results and crawl state: a SQLite file, postgres://…, or memory:NAME", DEFAULT_DB)
    .option("--queue <url>", "job queue (redis://…) for modelvet worker processes; default: scan in this process")
    .option("-p, --policy <file>", "policy file (YAML or JSON) on top of the default policy")
    .option("--resume <id>", "continue an interrupted crawl where its last save left off")
    .option("--status <id>", "show a crawl's state and counts, and exit")
    .option("--concurrency <n>", "scans at once when scanning in this process", "4")
    .option("--json", "print the crawl's state as JSON")
    .action(async (flags: CrawlFlags) => {
      const env = ctx.io.env ?? {};
      const { openCrawlStore, openCrawlQueue, BackendError } = await import("../../service/crawl-backends.js");
      const opened = await openCrawlStore(flags.db).catch((error: unknown) => {
        throw error instanceof BackendError ? new UsageError(error.message) : error;
      });
      try {
        if (flags.status !== undefined) {
          const state = await opened.getCrawl(flags.status);
          if (!state) throw new UsageError(`no crawl ${JSON.stringify(flags.status)} in ${JSON.stringify(flags.db)}`);
          printState(ctx.io, state, flags.json === true);
          return;
        }
        const target = await targetOf(flags);
        if ((target === undefined) === (flags.resume === undefined)) throw new UsageError("give one of --org, --repos, --repos-file, --hub, or --resume ID");
        const concurrency = Number(flags.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency must be 1-64, got ${JSON.stringify(flags.concurrency)}`);
        const policyText = flags.policy === undefined ? undefined : await readFile(flags.policy, "utf8").catch((e: Error) => {
          throw new UsageError(`cannot read policy ${JSON.stringify(flags.policy)}: ${e.message}`);
        });
        const { policyContextOf } = await import("../../service/policy-context.js");
        const policy = policyContextOf(policyText, flags.policy ?? "default policy");
        const upstream = flags.upstream ?? (await import("../../node/remote-scan.js")).hfEndpoint(env);
        const token = env.MODELVET_UPSTREAM_TOKEN || env.HF_TOKEN || undefined;
        const queue = await openCrawlQueue(flags.queue, { upstream, upstreamToken: token, store: opened, policy, toolVersion: VERSION, concurrency }).catch((error: unknown) => {
          throw error instanceof BackendError ? new UsageError(error.message) : error;
        });
        const { startCrawl, resumeCrawl, CrawlError } = await import("../../service/crawl.js");
        const controller = new AbortController();
        const interrupt = (): void => controller.abort();
        process.once("SIGINT", interrupt);
        process.once("SIGTERM", interrupt);
        const progress = progressLine(ctx.io);
        let state: CrawlExtendedState;
        try {
          const options = {
            upstream,
            token,
            queue: queue.queue,
            store: opened,
            policyDigest: policy.digest,
            toolVersion: VERSION,
            signal: controller.signal,
            onProgress: progress.draw,
            backpressure: queue.backpressure,
            waitForJobs: queue.drained,
          };
          state = target !== undefined ? await startCrawl(target, options) : await resumeCrawl(flags.resume as string, options);
        } catch (error) {
          if (error instanceof CrawlError) throw new UsageError(error.message);
          throw error;
        } finally {
          progress.finish();
          process.off("SIGINT", interrupt);
          process.off("SIGTERM", interrupt);
        }
        if (controller.signal.aborted && state.status === "listing" && queue.inProcess && queue.drained) {
          // Files already listed would be lost with this process: judge them before exiting.
          ctx.io.stderr.write("modelvet: interrupted; judging the files already listed before exiting\n");
          await queue.drained();
        }
        if (queue.inProcess) {
          const counts = await queue.queue.counts();
          ctx.io.stderr.write(`modelvet: judged ${counts.completed} files in this process${counts.failed > 0 ? `; ${counts.failed} could not be judged (upstream or scan failures; run the crawl again to retry them)` : ""}\n`);
        }
        await queue.queue.close();
        printState(ctx.io, state, flags.json === true);
        if (state.status === "listing") ctx.io.stderr.write(`modelvet: crawl ${state.id} interrupted; continue with: modelvet crawl --resume ${state.id} --db ${flags.db}\n`);
        if (state.status === "failed") ctx.io.stderr.write(`modelvet: crawl ${state.id} stopped: ${safeLine(state.lastError ?? "unknown error")}; continue with --resume ${state.id}\n`);
        ctx.setExitCode(state.status === "done" || state.status === "queued" ? EXIT.ok : EXIT.usage);
      } finally {
        if (!flags.db.startsWith("memory:")) await opened.close();
      }
    });
}

async function targetOf(flags: CrawlFlags): Promise<CrawlTarget | undefined> {
  const given = [flags.org !== undefined, flags.repos !== undefined, flags.reposFile !== undefined, flags.hub === true].filter(Boolean).length;
  if (given > 1) throw new UsageError("give only one of --org, --repos, --repos-file and --hub");
  const { parseTarget } = await import("../../service/crawl.js");
  let text: string | undefined;
  if (flags.org !== undefined) text = `org:${flags.org}`;
  else if (flags.repos !== undefined) text = `repos:${flags.repos}`;
  else if (flags.reposFile !== undefined) {
    const content = await readFile(flags.reposFile, "utf8").catch((e: Error) => {
      throw new UsageError(`cannot read ${JSON.stringify(flags.reposFile)}: ${e.message}`);
    });
    const ids = content.split(/\r?\n/).map((l) => l.replace(/#.*/, "").trim()).filter((l) => l !== "");
    text = `repos:${ids.join(",")}`;
  } else if (flags.hub === true) text = "hub";
  if (text === undefined) return undefined;
  const target = parseTarget(text);
  if (typeof target === "string") throw new UsageError(target);
  return target;
}

function summary(state: CrawlExtendedState): string {
  const parts = [`${state.reposListed} repos`, `${state.filesQueued} files queued`];
  if (state.filesKnown) parts.push(`${state.filesKnown} already judged`);
  if (state.reposSkipped) parts.push(`${state.reposSkipped} repos skipped`);
  return `crawl ${state.id} ${state.status}: ${parts.join(", ")}`;
}

function printState(io: CliIo, state: CrawlExtendedState, json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
    return;
  }
  const target = state.target.length > 200 ? `${state.target.slice(0, 200)}… (${state.target.split(",").length} repos)` : state.target;
  const lines = [
    `crawl ${state.id}`,
    `  target:       ${target}`,
    `  status:       ${state.status}`,
    `  repos listed: ${state.reposListed}`,
    `  files queued: ${state.filesQueued}`,
    ...(state.filesKnown !== undefined ? [`  already judged (not queued): ${state.filesKnown}`] : []),
    ...(state.reposSkipped ? [`  repos skipped: ${state.reposSkipped}`] : []),
    ...(state.lastError ? [`  last problem: ${state.lastError}`] : []),
    `  started:      ${state.startedAt}`,
    `  updated:      ${state.updatedAt}`,
  ];
  io.stdout.write(`${lines.map((l) => safeLine(l)).join("\n")}\n`);
}

/** One updating line on stderr while a terminal watches; nothing otherwise. */
function progressLine(io: CliIo): { draw: (state: CrawlExtendedState) => void; finish: () => void } {
  if (!io.isTTY.stderr) return { draw: () => undefined, finish: () => undefined };
  let last = -Infinity;
  let drawn = false;
  return {
    draw(state) {
      const now = Date.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      drawn = true;
      io.stderr.write(`${CLEAR_LINE}${safeLine(summary(state))}`);
    },
    finish() {
      if (drawn) io.stderr.write(CLEAR_LINE);
    },
  };
}
