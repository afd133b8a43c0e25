import { summarize, verdictOf, type FileReport, type Finding, type ScanReport } from "../core/finding.js";
import { fnv1a64 } from "./fingerprint.js";

/** Identifies a baseline file; the version is in the name so a future format is told apart. */
export const BASELINE_FORMAT = "modelvet-baseline/1";

/** Fingerprints kept from one baseline file (CWE-400): a real baseline lists a few hundred. */
export const MAX_BASELINE_FINGERPRINTS = 100_000;

/**
 * A finding's identity across runs: rule, file path (as reported), archive member and a hash of
 * the evidence. The byte offset is left out, so a re-saved model with the same payload keeps it.
 *
 * @example
 * findingFingerprint("models/x.pt", finding); // "3f2a…"
 */
export function findingFingerprint(path: string, finding: Finding): string {
  return fnv1a64([finding.ruleId, path, finding.location.member ?? "", fnv1a64(finding.evidence ?? "")].join("\u0000"));
}

/** The baseline of a report: every finding's fingerprint, sorted, as a small JSON document. */
export function renderBaseline(report: ScanReport): string {
  const fingerprints = [...new Set(report.files.flatMap((file) => file.findings.map((f) => findingFingerprint(file.path, f))))].sort();
  return `${JSON.stringify({ format: BASELINE_FORMAT, fingerprints }, null, 2)}\n`;
}

/** A baseline file's text, or a reason it is not one. */
export function parseBaseline(text: string): { fingerprints: Set<string> } | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { error: "is not JSON" };
  }
  const d = data as { format?: unknown; fingerprints?: unknown } | null;
  if (typeof d !== "object" || d === null || d.format !== BASELINE_FORMAT) return { error: `is not a modelvet baseline (format ${JSON.stringify(BASELINE_FORMAT)})` };
  if (!Array.isArray(d.fingerprints) || !d.fingerprints.every((f) => typeof f === "string")) return { error: "has no list of fingerprints" };
  if (d.fingerprints.length > MAX_BASELINE_FINGERPRINTS) return { error: `lists more than ${MAX_BASELINE_FINGERPRINTS} fingerprints (limit MAX_BASELINE_FINGERPRINTS)` };
  return { fingerprints: new Set(d.fingerprints as string[]) };
}

/**
 * Marks the findings a baseline already lists as suppressed (kept in the report, not counted), and
 * recomputes verdicts and the summary, so CI fails only on new findings.
 *
 * @example
 * const gated = applyBaseline(report, parsed.fingerprints, "modelvet-baseline.json");
 */
export function applyBaseline(report: ScanReport, fingerprints: ReadonlySet<string>, label: string): ScanReport {
  const reason = `in the baseline ${label}`;
  const files: FileReport[] = report.files.map((file) => {
    const findings = file.findings.map((finding) => (fingerprints.has(findingFingerprint(file.path, finding)) ? { ...finding, suppressed: { kind: "baseline" as const, reason } } : finding));
    return { ...file, findings, verdict: verdictOf(findings, file.errors) };
  });
  return { ...report, files, summary: summarize(files) };
}
