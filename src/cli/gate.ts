import { atLeast, SEVERITIES, type ScanReport, type Severity } from "../core/finding.js";
import { EXIT, type ExitCode } from "./exit-codes.js";

/**
 * The CI gate, in one place and read from the summary the report prints: 3 when nothing was
 * scanned (a gate that vetted nothing must not pass silently), 1 on any finding at or above
 * `failOn` or any file not fully scanned (`summary.incomplete`: unread bytes are unvetted bytes),
 * else 0.
 *
 * @example
 * gateExitCode(report, "high"); // 1 when a critical or high finding exists
 */
export function gateExitCode(report: ScanReport, failOn: Severity): ExitCode {
  const { summary } = report;
  if (summary.files === 0) return EXIT.nothingScanned;
  const failing = SEVERITIES.filter((severity) => atLeast(severity, failOn)).some((severity) => summary.findings[severity] > 0);
  return failing || summary.incomplete > 0 ? EXIT.fail : EXIT.ok;
}
