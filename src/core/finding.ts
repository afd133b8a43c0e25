export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Confidence = "high" | "medium" | "low";

/** Higher is worse. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === "string" && (SEVERITIES as readonly string[]).includes(value);
}

export interface Location {
  /** Path inside containers: `model/data.pkl`, nested levels joined by `!`. */
  member?: string;
  /** Byte offset inside the innermost member (or the file). */
  offset?: number;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  confidence: Confidence;
  message: string;
  location: Location;
  evidence?: string;
  cwe?: string[];
  references?: string[];
  /**
   * Present when the finding is accepted (in a `--baseline` file): still reported, never dropped,
   * but it no longer counts towards the verdict, the summary's counts or the exit code.
   */
  suppressed?: Suppression;
}

export interface Suppression {
  /** `baseline`: listed in a --baseline file; `policy`: matched by a policy `suppressions` entry. */
  kind: "baseline" | "policy";
  /** Why it is accepted, in words. */
  reason: string;
}

/** A reason the file could not be fully scanned. */
export interface ScanError {
  code: string;
  message: string;
  location: Location;
}

export type Verdict = "clean" | "suspicious" | "unsafe" | "error";

export interface FileReport {
  path: string;
  verdict: Verdict;
  /** Formats detected, outermost first (`zip`, `pytorch-zip`, `pickle`, …). */
  formats: string[];
  findings: Finding[];
  errors: ScanError[];
  /** Plain-language notes: what the file is when it is not a model, what was skipped. */
  notes: string[];
  size?: number;
  bytesRead?: number;
  /** Remote scans: body bytes fetched over the network (ranged reads of only what the scan needed). */
  bytesFetched?: number;
  millis?: number;
  /** SHA-256 of the file's bytes (hex), when the scan computed it (`--cache`, `--format cyclonedx`). */
  sha256?: string;
  /**
   * True when the verdict came from the `--cache` (same bytes, name, policy, limits and version
   * scanned before) instead of a scan in this run.
   */
  cached?: boolean;
}

export interface ScanSummary {
  files: number;
  clean: number;
  suspicious: number;
  unsafe: number;
  error: number;
  /**
   * Files not fully scanned (any scan error), whatever their verdict: an unsafe file whose symlink
   * was not followed counts here too. The CI gate fails on it, so the summary says why.
   */
  incomplete: number;
  /** Findings accepted by a baseline: reported with `suppressed`, not counted in `findings`. */
  suppressed: number;
  /** Findings that are not suppressed, by severity. */
  findings: Record<Severity, number>;
}

/** One file of a model folder tied to another: the Python an MLmodel or config.json makes loading import, an index's shards. */
export interface FolderTie {
  /** The file that names the other (`model/config.json`). */
  from: string;
  /** The file named (`model/modeling_x.py`), as reported. */
  to: string;
  /** Why (`auto_map.AutoModel (modeling_x.XModel) in model/config.json with trust_remote_code`). */
  why: string;
}

/** A model is a folder: its verdict is the worst verdict of its files, as a gate decides per model. */
export interface FolderSummary {
  path: string;
  verdict: Verdict;
  /** Files scanned in the folder, subfolders included. */
  files: number;
  /** The file that decided a non-clean verdict. */
  worst?: string;
  ties: FolderTie[];
}

export interface ScanReport {
  schemaVersion: 1;
  tool: { name: "modelvet"; version: string };
  files: FileReport[];
  summary: ScanSummary;
  /** Folder verdicts, when folders were scanned (the Node entry points). */
  folders?: FolderSummary[];
}

/** The verdict rule, in one place: unsafe > suspicious > error > clean. */
export function verdictOf(all: readonly Finding[], errors: readonly ScanError[]): Verdict {
  const findings = all.filter((f) => f.suppressed === undefined);
  if (findings.some((f) => f.severity === "critical" || f.severity === "high")) return "unsafe";
  if (findings.some((f) => f.severity === "medium")) return "suspicious";
  if (errors.length > 0) return "error";
  return "clean";
}

export function summarize(files: readonly FileReport[]): ScanSummary {
  const summary: ScanSummary = {
    files: files.length,
    clean: 0,
    suspicious: 0,
    unsafe: 0,
    error: 0,
    incomplete: 0,
    suppressed: 0,
    findings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
  };
  for (const file of files) {
    summary[file.verdict] += 1;
    if (file.verdict === "error" || file.errors.length > 0) summary.incomplete += 1;
    for (const finding of file.findings) {
      if (finding.suppressed === undefined) summary.findings[finding.severity] += 1;
      else summary.suppressed += 1;
    }
  }
  return summary;
}
