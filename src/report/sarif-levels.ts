import type { Confidence, Severity } from "../core/finding.js";

export type SarifLevel = "error" | "warning" | "note";

/**
 * The one place a modelvet severity becomes a SARIF level (bandit's `level_from_severity`):
 * only what fails the default gate is an error.
 *
 * @example
 * sarifLevel("medium"); // "warning"
 */
export function sarifLevel(severity: Severity): SarifLevel {
  switch (severity) {
    case "critical":
    case "high":
      return "error";
    case "medium":
      return "warning";
    case "low":
    case "info":
      return "note";
  }
}

/**
 * GitHub's `security-severity` score, a string in 0.0–10.0. GitHub buckets it back as
 * over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low and 0.0 none, so each value sits
 * inside the bucket of the same name.
 */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "0.0",
};

export function securitySeverity(severity: Severity): string {
  return SECURITY_SEVERITY[severity];
}

/** SARIF `precision` shares our three confidence words (it also has `very-high`, unused). */
export function precision(confidence: Confidence): "high" | "medium" | "low" {
  return confidence;
}
