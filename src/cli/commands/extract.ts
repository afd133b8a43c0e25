import { Option, type Command } from "commander";
import { summarize, type FileReport, type ScanReport, type Severity } from "../../core/finding.js";
import type { ExtractResult } from "../../node/safe-extract.js";
import { UsageError } from "../exit-codes.js";
import type { CommandContext } from "./context.js";

const OUTPUT_FORMATS = ["text", "json", "sarif"] as const;
const FAIL_ON_CHOICES = ["critical", "high", "medium", "low"] as const;

interface ExtractFlags {
  overwrite?: boolean;
  format: (typeof OUTPUT_FORMATS)[number];
  failOn?: Severity;
  policy?: string;
  maxBytes?: string;
  maxEntries?: string;
  maxRatio?: string;
  color: boolean;
}

export function addExtractCommand(program: Command, ctx: CommandContext): void {
  program
    .command("extract")
    .description("extract a zip, tar (gz/bz2/xz/zst), MLeap, .keras, .nemo or torch archive without writing outside DEST")
    .argument("<archive>", "archive to extract")
    .argument("<dest>", "folder to extract into (created if missing)")
    .option("--overwrite", "replace existing files in DEST (symlinks are replaced, never followed)")
    .addOption(new Option("-f, --format <format>", "report format").choices(OUTPUT_FORMATS).default("text"))
    .addOption(new Option("--fail-on <severity>", "exit 1 on scan findings at or above this severity").choices(FAIL_ON_CHOICES))
    .option("-p, --policy <file>", "policy file for the scan of the archive")
    .option("--max-bytes <n>", "stop after this many bytes in total (default 16 GiB)")
    .option("--max-entries <n>", "stop after this many entries (default 100000)")
    .option("--max-ratio <n>", "stop when output passes this multiple of the archive size (default 1000)")
    .option("--no-color", "no ANSI colours in text output")
    .action(async (archive: string, dest: string, flags: ExtractFlags) => {
      const { loadPolicy } = await import("../../node/policy-file.js");
      const { extractArchive } = await import("../../node/safe-extract.js");
      const { scanPaths } = await import("../../node/scan-paths.js");
      const { renderJson } = await import("../../report/json.js");
      const { renderSarif } = await import("../../report/sarif.js");
      const { renderText } = await import("../../report/text.js");
      const { RULES } = await import("../../rules/index.js");
      const { gateExitCode } = await import("../gate.js");
      const policy = await loadPolicy(flags.policy);
      const scan = await scanPaths([archive], { policy });
      const limits = {
        ...(flags.maxBytes !== undefined ? { maxBytes: positive(flags.maxBytes, "--max-bytes") } : {}),
        ...(flags.maxEntries !== undefined ? { maxEntries: positive(flags.maxEntries, "--max-entries") } : {}),
        ...(flags.maxRatio !== undefined ? { maxRatio: positive(flags.maxRatio, "--max-ratio") } : {}),
      };
      const result = await extractArchive(archive, dest, { overwrite: flags.overwrite === true, limits });
      const report = withExtraction(scan, result, dest);
      const text = flags.format === "json" ? renderJson(report) : flags.format === "sarif" ? renderSarif(report, RULES) : renderText(report, { color: flags.color && ctx.io.isTTY.stdout, quiet: false });
      ctx.io.stdout.write(text);
      ctx.setExitCode(gateExitCode(report, flags.failOn ?? policy.failOn));
    });
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer, not ${JSON.stringify(text)}`);
  return n;
}

/**
 * The scan report of the archive with what extraction did added as notes; a limit that stopped
 * the extraction, or entries that could not be read, are errors (the gate fails closed on them).
 */
function withExtraction(scan: ScanReport, result: ExtractResult, dest: string): ScanReport {
  const files = scan.files.map((file, i): FileReport => {
    if (i !== 0) return file;
    const notes = [...file.notes];
    const plan = result.plan;
    const what = plan.compression !== undefined ? `${plan.compression}-compressed ${plan.format}` : plan.format;
    notes.push(`Extracted ${result.written.length} entries (${plan.totalBytes} bytes) from the ${what} archive into ${dest}`);
    for (const s of [...plan.skipped, ...result.skipped]) notes.push(`Skipped ${JSON.stringify(s.name)} (${s.code}): ${s.reason}`);
    for (const e of plan.entries) if (e.copyOf !== undefined) notes.push(`Hard link ${JSON.stringify(e.name)} written as a copy of ${JSON.stringify(e.copyOf)}`);
    const errors = [...file.errors];
    for (const s of plan.skipped) {
      if (s.code === "limit" || s.code === "no-data") errors.push({ code: s.code === "limit" ? "limit-exceeded" : "extract-failed", message: `Extraction: ${s.reason} (${s.name})`, location: {} });
    }
    const verdict = errors.length > 0 && file.verdict === "clean" ? "error" : file.verdict;
    return { ...file, notes, errors, verdict };
  });
  return { ...scan, files, summary: summarize(files) };
}
