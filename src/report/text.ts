import { SEVERITIES, type FileReport, type Finding, type FolderSummary, type Location, type ScanError, type ScanReport, type ScanSummary, type Severity, type Verdict } from "../core/finding.js";
import { styles, type Styles } from "./ansi.js";
import { printable } from "./printable.js";

export interface TextOptions {
  /** ANSI colours; the caller decides (TTY, --no-color, NO_COLOR): report/ never looks. */
  color: boolean;
  /** Leave out clean files and notes. */
  quiet: boolean;
}

const VERDICT_WIDTH = Math.max(...(["unsafe", "suspicious", "error", "clean"] as const).map((v) => v.length));
const SEVERITY_WIDTH = Math.max(...SEVERITIES.map((s) => s.length));

/**
 * Renders a report for people: one line per file, its findings, errors and notes indented below,
 * and a summary line. Every string that came from the scanned bytes goes through `printable`.
 *
 * @example
 * renderText(report, { color: false, quiet: false });
 * // UNSAFE      models/evil.pkl  [pickle]
 * //   critical PKL001 Pickle imports os.system and calls it
 * //     evidence: REDUCE at 28: os.system('echo hi')
 * //     at offset 28
 * // 1 file: 1 unsafe, 0 suspicious, 0 error, 0 clean — findings: 1 critical, 0 high, 0 medium, 0 low, 0 info
 */
export function renderText(report: ScanReport, options: TextOptions): string {
  const s = styles(options.color);
  const lines: string[] = [];
  for (const file of report.files) {
    if (options.quiet && file.verdict === "clean") continue;
    lines.push(...fileLines(file, s, options.quiet));
  }
  for (const folder of report.folders ?? []) lines.push(folderLine(folder, s));
  lines.push(summaryLine(report.summary));
  return `${lines.join("\n")}\n`;
}

/** `folder models/bert: UNSAFE (worst of 7 files: models/bert/modeling_bert.py; 2 file(s) tied)`. */
function folderLine(folder: FolderSummary, s: Styles): string {
  const worst = folder.worst !== undefined ? `: ${printable(folder.worst)}` : "";
  const ties = folder.ties.length > 0 ? `; ${folder.ties.length} file(s) tied` : "";
  return `folder ${printable(folder.path)}: ${paintVerdict(folder.verdict, folder.verdict.toUpperCase(), s)} (worst of ${folder.files} file(s)${worst}${ties})`;
}

function fileLines(file: FileReport, s: Styles, quiet: boolean): string[] {
  const formats = file.formats.length > 0 ? `  [${file.formats.map(printable).join(", ")}]` : "";
  const verdict = paintVerdict(file.verdict, file.verdict.toUpperCase().padEnd(VERDICT_WIDTH), s);
  // A cached verdict says so: it was decided in an earlier run, for the same bytes and policy.
  const cached = file.cached === true ? s.dim("  (cached)") : "";
  const lines = [`${verdict}  ${printable(file.path)}${formats}${cached}`];
  for (const finding of file.findings) lines.push(...findingLines(finding, s));
  for (const error of file.errors) lines.push(...errorLines(error, s));
  if (!quiet) for (const note of file.notes) lines.push(s.dim(`  note: ${printable(note)}`));
  return lines;
}

function findingLines(finding: Finding, s: Styles): string[] {
  const severity = paintSeverity(finding.severity, finding.severity.padEnd(SEVERITY_WIDTH), s);
  const suppressed = finding.suppressed === undefined ? "" : ` (suppressed: ${printable(finding.suppressed.reason)})`;
  const lines = [`  ${severity} ${printable(finding.ruleId)} ${printable(finding.message)}${suppressed}`];
  if (finding.evidence !== undefined) lines.push(`    evidence: ${printable(finding.evidence)}`);
  const at = describeLocation(finding.location);
  if (at) lines.push(`    at ${at}`);
  return lines;
}

function errorLines(error: ScanError, s: Styles): string[] {
  const lines = [`  ${s.magenta("error".padEnd(SEVERITY_WIDTH))} ${printable(error.code)} ${printable(error.message)}`];
  const at = describeLocation(error.location);
  if (at) lines.push(`    at ${at}`);
  return lines;
}

/** `data.pkl, offset 12`, `offset 12` or `data.pkl`; empty for the file as a whole. */
function describeLocation(location: Location): string {
  const parts: string[] = [];
  if (location.member !== undefined) parts.push(printable(location.member));
  if (location.offset !== undefined) parts.push(`offset ${location.offset}`);
  return parts.join(", ");
}

function summaryLine(summary: ScanSummary): string {
  const files = `${summary.files} ${summary.files === 1 ? "file" : "files"}`;
  const incomplete = summary.incomplete > summary.error ? ` (${summary.incomplete} not fully scanned)` : "";
  const suppressed = summary.suppressed > 0 ? `, ${summary.suppressed} suppressed` : "";
  const verdicts = `${summary.unsafe} unsafe, ${summary.suspicious} suspicious, ${summary.error} error, ${summary.clean} clean${incomplete}`;
  const findings = SEVERITIES.map((severity) => `${summary.findings[severity]} ${severity}`).join(", ");
  return `${files}: ${verdicts} — findings: ${findings}${suppressed}`;
}

function paintVerdict(verdict: Verdict, text: string, s: Styles): string {
  switch (verdict) {
    case "unsafe":
      return s.bold(s.red(text));
    case "suspicious":
      return s.bold(s.yellow(text));
    case "error":
      return s.bold(s.magenta(text));
    case "clean":
      return s.green(text);
  }
}

function paintSeverity(severity: Severity, text: string, s: Styles): string {
  switch (severity) {
    case "critical":
    case "high":
      return s.red(text);
    case "medium":
      return s.yellow(text);
    case "low":
    case "info":
      return text;
  }
}
