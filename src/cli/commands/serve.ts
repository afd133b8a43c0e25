import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { VERSION } from "../../node/version.js";
import { createToken, parseScopes, type Scope } from "../../service/tokens.js";
import { EXIT, UsageError } from "../exit-codes.js";
import type { GateLimits } from "../../service/vet.js";
import type { CommandContext } from "./context.js";
import { openStore } from "./store-url.js";
import { redactUrl } from "./worker.js";

const DEFAULT_DB = "modelvet-gate.db";
/**
 * How long a gate told to stop (SIGTERM, SIGINT) lets requests in flight finish before it drops
 * their connections: a slow client's download of a large model, or a pull waiting on an upstream
 * that does not answer, would otherwise keep it running without end. Under an orchestrator's
 * default grace period (Kubernetes: 30 s), so the gate ends on its own terms.
 */
const DEFAULT_DRAIN_MILLIS = 20_000;
/**
 * While draining, how often connections that finished their request are closed. Node closes the
 * idle ones once, when the server stops listening; a keep-alive connection whose request ends
 * later would stay open until its keep-alive timeout (5 s), holding the gate up for nothing.
 */
const IDLE_SWEEP_MILLIS = 100;

interface ServeFlags {
  host: string;
  port: string;
  upstream?: string;
  db: string;
  policy?: string;
  anonymous?: string;
  allowUrlOrigin?: string[];
  logLevel: string;
  rate?: string;
  queue?: string;
  queueName: string;
  drainMs: string;
  limit: string[];
}

/**
 * `modelvet serve`: the gate. `modelvet serve token create|list|revoke`: its access tokens.
 * The upstream credential is the server's own: MODELVET_UPSTREAM_TOKEN (or HF_TOKEN) in the
 * server's environment, never a client's token.
 */
export function addServeCommand(program: Command, ctx: CommandContext): void {
  const serve = program
    .command("serve")
    .description("run the gate: a Hugging Face-compatible proxy that vets every file before serving it (docs/serve.md)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0: any free port)", "8080")
    .option("--upstream <url>", "upstream hub (default: HF_ENDPOINT, else https://huggingface.co)")
    .option("--db <url>", "store for verdicts, audit log and tokens: a SQLite file (or sqlite:PATH) or postgres://USER@HOST/DB (docs/serve.md#storage)", DEFAULT_DB)
    .option("-p, --policy <file>", "policy file (YAML or JSON) on top of the default policy")
    .option("--anonymous <scopes>", "scopes granted without a token, e.g. pull (default: none)")
    .option("--allow-url-origin <origin...>", "origins besides the upstream the scan API may fetch URLs from")
    .option("--log-level <level>", "pino log level", "info")
    .option("--queue <url>", "send scans to a BullMQ queue on this Redis (redis://host:port) for `modelvet worker` processes; default: scan in this process")
    .option("--queue-name <name>", "the BullMQ queue's name, for several gates on one Redis", "modelvet-scan")
    .option("--drain-ms <ms>", "when told to stop, how long requests in flight may still finish before their connections are dropped", String(DEFAULT_DRAIN_MILLIS))
    .option("--rate <perMinute>", "requests per minute per token (or per address without one), unless the token sets its own; with token create: that token's rate (default 6000)")
    .option("--limit <name=value>", "set one of the gate's limits, e.g. maxScanRequests=16 or clientIdleMillis=1800000; repeatable (names and defaults: docs/serve.md#limits)", (value: string, previous: string[]) => [...previous, value], [] as string[])
    .action(async (flags: ServeFlags) => {
      const env = ctx.io.env ?? {};
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${JSON.stringify(flags.port)}`);
      const rate = flags.rate === undefined ? undefined : Number(flags.rate);
      if (rate !== undefined && (!Number.isInteger(rate) || rate < 1)) throw new UsageError(`--rate must be a positive integer, got ${JSON.stringify(flags.rate)}`);
      const drainMillis = Number(flags.drainMs);
      if (!Number.isInteger(drainMillis) || drainMillis < 0) throw new UsageError(`--drain-ms must be a whole number of milliseconds, got ${JSON.stringify(flags.drainMs)}`);
      const policyText = flags.policy === undefined ? undefined : await readFile(flags.policy, "utf8").catch((e: Error) => {
        throw new UsageError(`cannot read policy ${JSON.stringify(flags.policy)}: ${e.message}`);
      });
      if (flags.queue !== undefined && !/^rediss?:\/\//.test(flags.queue)) throw new UsageError(`--queue must be a redis:// or rediss:// URL, got ${JSON.stringify(flags.queue)}`);
      const limits = await gateLimitsOrUsage(flags.limit, rate);
      const store = await openStore(flags.db);
      // bullmq and ioredis load only with --queue: the embedded default never needs them.
      const queue = flags.queue === undefined ? undefined : (await import("../../service/queue-bullmq.js")).BullQueue.open({ url: flags.queue, name: flags.queueName, toolVersion: VERSION });
      if (queue && !(await queue.ready())) ctx.io.stderr.write(`modelvet gate: the queue ${redactUrl(flags.queue ?? "")} is not reachable yet; pulls that need a scan answer 503 until it is\n`);
      const { buildGate } = await import("../../service/app.js");
      const { hfEndpoint } = await import("../../node/remote-scan.js");
      const app = await buildGate({
        upstream: flags.upstream ?? hfEndpoint(env),
        upstreamToken: env.MODELVET_UPSTREAM_TOKEN || env.HF_TOKEN || undefined,
        store,
        toolVersion: VERSION,
        policyText,
        anonymousScopes: flags.anonymous === undefined ? [] : scopesOrUsage(flags.anonymous),
        allowedUrlOrigins: flags.allowUrlOrigin,
        logger: { level: flags.logLevel },
        limits,
        queue,
      });
      const address = await app.listen({ host: flags.host, port });
      ctx.io.stderr.write(`modelvet gate listening on ${address} (upstream ${flags.upstream ?? hfEndpoint(env)}); point clients at it with HF_ENDPOINT=${address}\n`);
      // Stopping: no new connections; requests in flight have drainMillis to finish, then their
      // connections are dropped (a download cut short fails on the client, whose hub library
      // checks sizes and digests).
      let closed: Promise<void> | undefined;
      const stop = (): void => {
        // A second signal, of either kind, gets Node's default: the process ends at once.
        process.off("SIGTERM", stop);
        process.off("SIGINT", stop);
        ctx.io.stderr.write(`modelvet gate: stopping; requests in flight have ${drainMillis} ms to finish\n`);
        const drain = setTimeout(() => {
          ctx.io.stderr.write(`modelvet gate: requests still in flight after ${drainMillis} ms (--drain-ms); their connections are dropped\n`);
          app.server.closeAllConnections();
        }, drainMillis);
        // Connections that have not sent a byte are closed by the gate itself as it closes (app.ts).
        const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MILLIS);
        closed = app.close().then(async () => {
          clearTimeout(drain);
          clearInterval(sweep);
          await queue?.close();
          await store.close();
        });
      };
      process.on("SIGTERM", stop);
      process.on("SIGINT", stop);
      await new Promise<void>((resolve) => app.server.once("close", resolve));
      await closed;
      // What may still hold the event loop is work no client waits for any more (an upstream
      // fetch of a dropped request): it must not keep a stopped gate alive.
      ctx.io.exitWhenDone?.();
    });

  const token = serve.command("token").description("manage gate access tokens");
  // --db, --policy and --rate are the serve command's options (commander gives options of a
  // parent command to the parent wherever they appear), so the token commands read them there.
  const shared = (): ServeFlags => serve.opts<ServeFlags>();
  token
    .command("create")
    .description("create a token; it is printed once and stored hashed (uses --db, and --policy/--rate for this token)")
    .requiredOption("--scope <scopes>", "comma-separated: pull, scan, admin")
    .option("--name <name>", "who or what holds it (shown in the audit log)", "token")
    .action(async (flags: { scope: string; name: string }) => {
      const { db, policy: policyFile, rate: rateText } = shared();
      const scopes = scopesOrUsage(flags.scope);
      const rate = rateText === undefined ? undefined : Number(rateText);
      if (rate !== undefined && (!Number.isInteger(rate) || rate < 1)) throw new UsageError(`--rate must be a positive integer, got ${JSON.stringify(rateText)}`);
      const policy = policyFile === undefined ? undefined : await readFile(policyFile, "utf8");
      const store = await openStore(db);
      try {
        const created = await createToken(store, { name: flags.name, scopes, policy, ratePerMinute: rate });
        ctx.io.stdout.write(`${created.token}\n`);
        ctx.io.stderr.write(`token ${created.record.id} (${flags.name}) with scopes ${scopes.join(",")}: shown once, stored hashed\n`);
      } finally {
        await store.close();
      }
      ctx.setExitCode(EXIT.ok);
    });
  token
    .command("list")
    .description("list tokens (ids, names, scopes; never the tokens)")
    .action(async () => {
      const store = await openStore(shared().db);
      try {
        for (const t of await store.listTokens()) {
          ctx.io.stdout.write(`${t.id}\t${t.name}\t${t.scopes.join(",")}\t${t.revokedAt ? `revoked ${t.revokedAt}` : "active"}\n`);
        }
      } finally {
        await store.close();
      }
    });
  token
    .command("revoke")
    .description("revoke a token by id")
    .argument("<id>")
    .action(async (id: string) => {
      const store = await openStore(shared().db);
      try {
        if (!(await store.revokeToken(id, new Date().toISOString()))) throw new UsageError(`no active token ${JSON.stringify(id)}`);
      } finally {
        await store.close();
      }
    });
}

function scopesOrUsage(text: string): Scope[] {
  try {
    return parseScopes(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The limits `--limit NAME=VALUE` (and `--rate`) set, checked against each other and the defaults. */
async function gateLimitsOrUsage(given: readonly string[], rate: number | undefined): Promise<Partial<GateLimits>> {
  const { DEFAULT_GATE_LIMITS, GATE_LIMIT_NAMES, gateLimitsProblem } = await import("../../service/vet.js");
  const limits: Partial<Record<keyof GateLimits, number>> = {};
  for (const text of given) {
    const match = /^(\w+)=(\d+)$/.exec(text);
    if (match === null) throw new UsageError(`--limit takes NAME=VALUE with a whole number, got ${JSON.stringify(text)}`);
    const name = match[1] as keyof GateLimits;
    if (!GATE_LIMIT_NAMES.includes(name)) throw new UsageError(`--limit: no gate limit is named ${JSON.stringify(match[1])}; the names are ${GATE_LIMIT_NAMES.join(", ")}`);
    if (name in limits) throw new UsageError(`--limit ${name} is given twice`);
    limits[name] = Number(match[2]);
  }
  if (rate !== undefined) {
    if (limits.ratePerMinute !== undefined) throw new UsageError("--rate and --limit ratePerMinute set the same limit; give one of them");
    limits.ratePerMinute = rate;
  }
  const problem = gateLimitsProblem({ ...DEFAULT_GATE_LIMITS, ...limits });
  if (problem !== undefined) throw new UsageError(problem);
  return limits;
}
