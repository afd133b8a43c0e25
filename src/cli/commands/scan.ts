import { Option, type Command } from "commander";
import type { Severity } from "../../core/finding.js";
import type { CommandContext } from "./context.js";
import { addTrustOptions, type TrustFlags } from "./verify.js";

const OUTPUT_FORMATS = ["text", "json", "sarif", "cyclonedx"] as const;
// Not `info`: it would fail every model that names a framework class. The policy file refuses it too.
const FAIL_ON_CHOICES = ["critical", "high", "medium", "low"] as const;

export interface ScanFlags extends TrustFlags {
  requireSignature?: boolean;
  signature?: string;
  format: (typeof OUTPUT_FORMATS)[number];
  output?: string;
  failOn?: Severity;
  policy?: string;
  quiet?: boolean;
  exclude: string[];
  baseline?: string;
  writeBaseline?: boolean;
  /** False with --no-color. */
  color: boolean;
  cache?: string;
}

export function addScanCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command("scan")
    .description("scan model files and folders without loading them")
    .argument("<paths...>", "files or folders (folders are walked recursively), - for standard input, hf://ORG/REPO[@REVISION][/PATH] or https:// URLs (read with range requests, not downloaded)")
    .addOption(new Option("-f, --format <format>", "report format").choices(OUTPUT_FORMATS).default("text"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .addOption(new Option("--fail-on <severity>", "exit 1 on findings at or above this severity (default: the policy's failOn, high)").choices(FAIL_ON_CHOICES))
    .option("-p, --policy <file>", "policy file (YAML or JSON) applied on top of the default policy")
    .option("-q, --quiet", "text format: leave out clean files and notes")
    .option("--exclude <glob>", "leave out files and folders matching this glob inside folder arguments (*.tmp, data/**); repeatable; .git is always left out", (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option("--baseline <file>", "findings listed in this baseline file are reported as suppressed and do not fail the scan (only new ones do)")
    .option("--write-baseline", "write every finding of this scan to the --baseline file (to accept today's findings)")
    .option("--cache <dir>", "keep verdicts in this folder and reuse them for unchanged files (same bytes, name, policy and version); see docs/cli.md")
    .option("--no-color", "no ANSI colours in text output (also: NO_COLOR=1; FORCE_COLOR=1 forces them on a pipe)")
    .option("--require-signature", "every path must carry a valid model signature by a trusted signer (SIG001); see docs/signing.md")
    .option("--signature <path>", "with --require-signature and one path: the signature file (default: model.sig inside a model folder, FILE.sig next to a one-file model)");
  addTrustOptions(command).action(async (paths: string[], flags: ScanFlags) => {
    // The scanner loads when a scan runs, not with the command list: `--version` and `--help` load none of it.
    const { runScan } = await import("./scan-run.js");
    ctx.setExitCode(await runScan(paths, flags, ctx.io));
  });
}

