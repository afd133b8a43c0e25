import { Option, type Command } from "commander";
import type { Severity } from "../../core/finding.js";
import { DEFAULT_FEED_URL } from "../../node/audit-feed.js";
import { EXIT, UsageError, type ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import type { CommandContext } from "./context.js";

const OUTPUT_FORMATS = ["text", "json", "sarif"] as const;
const FAIL_ON_CHOICES = ["critical", "high", "medium", "low"] as const;

interface AuditFlags {
  format: (typeof OUTPUT_FORMATS)[number];
  output?: string;
  failOn?: Severity;
  policy?: string;
  quiet?: boolean;
  color: boolean;
  update?: boolean;
  from?: string;
  sha256?: string;
  cacheDir?: string;
  /** False with --no-cache: only the bundled snapshot. */
  cache: boolean;
}

/**
 * `modelvet audit [paths...]`: known vulnerabilities in the ML packages an environment has or a
 * model declares, in the same report, formats and exit codes as `scan`. `--update` refreshes the
 * advisory cache from an OSV export first (verified before it replaces anything).
 */
export function addAuditCommand(program: Command, ctx: CommandContext): void {
  program
    .command("audit")
    .description("report known vulnerabilities in the ML frameworks an environment or model declares")
    .argument("[paths...]", "virtualenvs, site-packages or conda folders, model folders, requirements/lock/pyproject/pom files")
    .addOption(new Option("-f, --format <format>", "report format").choices(OUTPUT_FORMATS).default("text"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .addOption(new Option("--fail-on <severity>", "exit 1 on findings at or above this severity (default: the policy's failOn, high)").choices(FAIL_ON_CHOICES))
    .option("-p, --policy <file>", "policy file (YAML or JSON) applied on top of the default policy")
    .option("-q, --quiet", "text format: leave out clean entries and notes")
    .option("--no-color", "no ANSI colours in text output (also: NO_COLOR=1)")
    .option("--update", "refresh the advisory cache from an OSV export before auditing (or alone, with no paths)")
    .option("--from <url>", `OSV export to refresh from (default ${DEFAULT_FEED_URL})`)
    .option("--sha256 <hex>", "expected SHA-256 of the export (default: fetched from <url>.sha256)")
    .option("--cache-dir <dir>", "advisory cache folder (default $MODELVET_CACHE_DIR or ~/.cache/modelvet)")
    .option("--no-cache", "ignore the cache: audit with the bundled snapshot only")
    .action(async (paths: string[], flags: AuditFlags) => ctx.setExitCode(await runAudit(paths, flags, ctx.io)));
}

async function runAudit(paths: string[], flags: AuditFlags, io: CliIo): Promise<ExitCode> {
  // Loaded when the command runs: `modelvet --help` and `scan` need none of the advisory code.
  const { AdvisoryUpdateError, defaultCacheDir, loadAdvisoryDb, updateAdvisories } = await import("../../node/audit-cache.js");
  const { auditPaths } = await import("../../node/audit-paths.js");
  const { loadPolicy } = await import("../../node/policy-file.js");
  const { emitReport, renderReport } = await import("../output.js");
  const { gateExitCode } = await import("../gate.js");
  const cacheDir = flags.cacheDir ?? defaultCacheDir(io.env ?? {});
  if (flags.update) {
    try {
      const options = { from: flags.from ?? DEFAULT_FEED_URL, cacheDir, ...(flags.sha256 ? { sha256: flags.sha256 } : {}) };
      const result = await updateAdvisories(options);
      io.stderr.write(`modelvet: advisory cache updated: ${result.advisories} advisories for the watched ML packages (sha256 ${result.sha256}) -> ${result.path}\n`);
    } catch (error) {
      if (error instanceof AdvisoryUpdateError) {
        io.stderr.write(`modelvet: update refused: ${error.message}\n`);
        return EXIT.fail;
      }
      throw error;
    }
    if (paths.length === 0) return EXIT.ok;
  } else if (flags.from || flags.sha256) throw new UsageError("--from and --sha256 go with --update");
  if (paths.length === 0) throw new UsageError("audit needs at least one path (or --update alone)");
  const policy = await loadPolicy(flags.policy);
  const { db, note } = await loadAdvisoryDb(flags.cache ? cacheDir : undefined);
  if (note) io.stderr.write(`modelvet: ${note}\n`);
  const report = await auditPaths(paths, { db, policy });
  const color = flags.output === undefined && flags.color && io.isTTY.stdout && !(io.env?.NO_COLOR ?? "");
  await emitReport(await renderReport(report, flags.format, { color, quiet: flags.quiet === true }), flags.output, io);
  return gateExitCode(report, flags.failOn ?? policy.failOn);
}


