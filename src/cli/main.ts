import { Command, CommanderError } from "commander";
import { PathError } from "../node/path-error.js";
import { VERSION } from "../node/version.js";
import { safeLine } from "../core/safe-text.js";
import { PolicyError } from "../policy/policy.js";
import type { CommandContext } from "./commands/context.js";
import { EXIT, UsageError, type ExitCode } from "./exit-codes.js";
import { processIo, type CliIo } from "./io.js";

const EXAMPLES = `
Examples:
  $ modelvet scan model.pt                     scan one file, human-readable report
  $ modelvet scan models/ --fail-on medium     fail on medium findings too
  $ modelvet scan models/ --format sarif --output modelvet.sarif
                                               SARIF for GitHub code scanning
  $ modelvet scan models/ --format json --policy policy.yaml
  $ modelvet rules                             list the rules
  $ modelvet explain PKL001                    what a rule catches and how to fix it

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it or a file that
could not be fully scanned, 2 usage error or internal failure, 3 nothing scanned.
Docs: https://github.com/modelvet/modelvet/blob/main/docs/cli.md
`;

/**
 * Runs the CLI and returns its exit code; it never calls process.exit, so tests run it in-process
 * with captured streams.
 *
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const program = await buildProgram({ io, setExitCode: (code) => (exitCode = code) }, argv[2]);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    return failureExitCode(error, io);
  }
  return exitCode;
}

type AddCommand = (program: Command, ctx: CommandContext) => void;

/**
 * The commands in help order. Each module holds the command's definition only (its code loads
 * when it runs); `modelvet scan …` loads the scan definition alone, `--version` none.
 */
const COMMANDS: Readonly<Record<string, () => Promise<AddCommand>>> = {
  scan: async () => (await import("./commands/scan.js")).addScanCommand,
  rules: async () => (await import("./commands/rules.js")).addRulesCommand,
  explain: async () => (await import("./commands/explain.js")).addExplainCommand,
  sign: async () => (await import("./commands/sign.js")).addSignCommand,
  verify: async () => (await import("./commands/verify.js")).addVerifyCommand,
  hash: async () => (await import("./commands/hash.js")).addHashCommand,
  lock: async () => (await import("./commands/lock.js")).addLockCommand,
  audit: async () => (await import("./commands/audit.js")).addAuditCommand,
  serve: async () => (await import("./commands/serve.js")).addServeCommand,
  crawl: async () => (await import("./commands/crawl.js")).addCrawlCommand,
  worker: async () => (await import("./commands/worker.js")).addWorkerCommand,
  convert: async () => (await import("./commands/convert.js")).addConvertCommand,
  extract: async () => (await import("./commands/extract.js")).addExtractCommand,
  inspect: async () => (await import("./commands/inspect.js")).addInspectCommand,
};

/** The commands to register for this command line: the one it names, none for a lone --version, else all (help, errors). */
function commandsFor(first: string | undefined): string[] {
  if (first !== undefined && Object.hasOwn(COMMANDS, first)) return [first];
  if (first === "-V" || first === "--version") return [];
  return Object.keys(COMMANDS);
}

async function buildProgram(ctx: CommandContext, first: string | undefined): Promise<Command> {
  const program = new Command("modelvet")
    .description("Vet machine-learning model files before anyone loads them. Files are parsed, never executed.")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .addHelpText("after", EXAMPLES)
    .showHelpAfterError('(run "modelvet --help" for usage)')
    // Settings before .command() are inherited by every subcommand.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
      // "error: unknown option" in the same voice as our own messages.
      outputError: (text, write) => write(`modelvet: ${text.replace(/^error: /, "")}`),
    });
  const adders = await Promise.all(commandsFor(first).map((name) => (COMMANDS[name] as () => Promise<AddCommand>)()));
  for (const add of adders) add(program, ctx);
  return program;
}

function failureExitCode(error: unknown, io: CliIo): ExitCode {
  // Commander has already printed its message (or the help or version it was asked for).
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UsageError || error instanceof PolicyError || error instanceof PathError) {
    // Messages can quote file names and signature contents: escaped like report text.
    io.stderr.write(`modelvet: ${safeLine(lowerFirst(error.message))}\n`);
    return EXIT.usage;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`modelvet: internal error, please report it: ${detail}\n`);
  return EXIT.usage;
}

/** Messages read as one sentence after the `modelvet:` prefix. */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
