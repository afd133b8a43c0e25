import { writeFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import type { ScanReport, Severity } from "../../core/finding.js";
import { loadPolicy } from "../../node/policy-file.js";
import { scanPaths } from "../../node/scan-paths.js";
import { renderJson } from "../../report/json.js";
import { renderSarif } from "../../report/sarif.js";
import { renderText } from "../../report/text.js";
import { RULES } from "../../rules/index.js";
import { UsageError, type ExitCode } from "../exit-codes.js";
import { gateExitCode } from "../gate.js";
import type { CliIo } from "../io.js";
import { createProgress } from "../progress.js";
import type { CommandContext } from "./context.js";

const OUTPUT_FORMATS = ["text", "json", "sarif"] as const;
const FAIL_ON_CHOICES = ["critical", "high", "medium", "low"] as const;

interface ScanFlags {
  format: (typeof OUTPUT_FORMATS)[number];
  output?: string;
  failOn?: Severity;
  policy?: string;
  quiet?: boolean;
  /** False with --no-color. */
  color: boolean;
}

export function addScanCommand(program: Command, ctx: CommandContext): void {
  program
    .command("scan")
    .description("scan model files and folders without loading them")
    .argument("<paths...>", "files or folders (folders are walked recursively)")
    .addOption(new Option("-f, --format <format>", "report format").choices(OUTPUT_FORMATS).default("text"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .addOption(new Option("--fail-on <severity>", "exit 1 on findings at or above this severity (default: the policy's failOn, high)").choices(FAIL_ON_CHOICES))
    .option("-p, --policy <file>", "policy file (YAML or JSON) applied on top of the default policy")
    .option("-q, --quiet", "text format: leave out clean files and notes")
    .option("--no-color", "no ANSI colours in text output (also: NO_COLOR=1)")
    .action(async (paths: string[], flags: ScanFlags) => ctx.setExitCode(await runScan(paths, flags, ctx.io)));
}

/**
 * Scans, writes the report, and returns the gate's exit code. Usage problems (missing path, bad
 * policy, unwritable output) are thrown for main to print.
 */
async function runScan(paths: string[], flags: ScanFlags, io: CliIo): Promise<ExitCode> {
  const policy = await loadPolicy(flags.policy);
  const progress = createProgress(io);
  let report: ScanReport;
  try {
    report = await scanPaths(paths, { policy, onProgress: progress.onProgress });
  } finally {
    progress.finish();
  }
  const color = flags.output === undefined && flags.color && io.isTTY.stdout && !noColorRequested(io.env);
  await emit(render(report, flags.format, { color, quiet: flags.quiet === true }), flags.output, io);
  return gateExitCode(report, flags.failOn ?? policy.failOn);
}

function render(report: ScanReport, format: ScanFlags["format"], options: { color: boolean; quiet: boolean }): string {
  switch (format) {
    case "text":
      return renderText(report, options);
    case "json":
      return renderJson(report);
    case "sarif":
      return renderSarif(report, RULES);
  }
}

async function emit(text: string, output: string | undefined, io: CliIo): Promise<void> {
  if (output === undefined) {
    io.stdout.write(text);
    return;
  }
  try {
    await writeFile(output, text);
  } catch (error) {
    throw new UsageError(`cannot write ${JSON.stringify(output)}: ${systemReason(error)}`);
  }
}

/** https://no-color.org: set and not empty. */
function noColorRequested(env: CliIo["env"]): boolean {
  const value = env?.NO_COLOR;
  return value !== undefined && value !== "";
}

/** `ENOENT: no such file or directory, open 'x'` -> `no such file or directory`. */
function systemReason(error: unknown): string {
  const message = (error as Error).message;
  return /^E[A-Z]+: (.*?), \w+ '.*'$/.exec(message)?.[1] ?? message;
}
