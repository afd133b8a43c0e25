import { atLeast, type ScanReport, type Severity } from "../core/finding.js";
import { EXIT, type ExitCode } from "./exit-codes.js";

/**
 * The CI gate, in one place: fail on any finding at or above `failOn`, and on any file that could
 * not be fully scanned, because unread bytes are unvetted bytes (fail closed).
 *
 * @example
 * gateExitCode(report, "high"); // 1 when a critical or high finding exists
 */
export function gateExitCode(report: ScanReport, failOn: Severity): ExitCode {
  const failed = report.files.some(
    (file) => file.verdict === "error" || file.errors.length > 0 || file.findings.some((f) => atLeast(f.severity, failOn)),
  );
  return failed ? EXIT.fail : EXIT.ok;
}
