import { safeText } from "../core/safe-text.js";
import { SEVERITIES, type FileReport, type Finding, type Location, type ScanError, type ScanReport, type ScanSummary } from "../core/finding.js";

/**
 * Renders a report as the documented JSON (`docs/report-format.md`, `docs/report.schema.json`).
 * Keys come out in one fixed order whatever order the objects were built in, and fields outside
 * the schema are dropped, so two scans of the same files diff cleanly. Optional fields that are
 * undefined are left out (JSON.stringify skips them). Every string goes through `safeText` on the
 * way out: the engine escapes what it takes from scanned bytes, but JSON.stringify would leave
 * U+2028/U+2029, DEL, C1 and bidi controls raw in anything that reached the report another way.
 *
 * @example
 * process.stdout.write(renderJson(await scanPaths(["model.pt"], { policy })));
 */
export function renderJson(report: ScanReport): string {
  const canonical = {
    schemaVersion: report.schemaVersion,
    tool: { name: report.tool.name, version: report.tool.version },
    files: report.files.map(canonicalFile),
    summary: canonicalSummary(report.summary),
    folders: report.folders?.map((f) => ({ path: f.path, verdict: f.verdict, files: f.files, worst: f.worst, ties: f.ties.map((t) => ({ from: t.from, to: t.to, why: t.why })) })),
  };
  return `${JSON.stringify(canonical, escapeStrings, 2)}\n`;
}

/**
 * One file of a streamed report (`application/x-ndjson`, the gate's `format=ndjson`): the file as
 * in `renderJson`'s `files`, on one line.
 */
export function renderFileLine(file: FileReport): string {
  return `${JSON.stringify({ type: "file", file: canonicalFile(file) }, escapeStrings)}\n`;
}

/**
 * The last line of a streamed report: the tool and the summary, as in `renderJson`. A stream
 * without it was cut short, and its files are not all of the model.
 */
export function renderSummaryLine(report: Omit<ScanReport, "files" | "folders">): string {
  return `${JSON.stringify({ type: "summary", schemaVersion: report.schemaVersion, tool: { name: report.tool.name, version: report.tool.version }, summary: canonicalSummary(report.summary) }, escapeStrings)}\n`;
}

/** The last line of a streamed report that stopped after it began: why, in place of the summary. */
export function renderErrorLine(message: string): string {
  return `${JSON.stringify({ type: "error", error: message }, escapeStrings)}\n`;
}

function canonicalFile(file: FileReport): Record<string, unknown> {
  return {
    path: file.path,
    verdict: file.verdict,
    formats: file.formats,
    findings: file.findings.map(canonicalFinding),
    errors: file.errors.map(canonicalError),
    notes: file.notes,
    size: file.size,
    bytesRead: file.bytesRead,
    bytesFetched: file.bytesFetched,
    millis: file.millis,
    sha256: file.sha256,
    cached: file.cached,
  };
}

function canonicalFinding(finding: Finding): Record<string, unknown> {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    confidence: finding.confidence,
    message: finding.message,
    location: canonicalLocation(finding.location),
    evidence: finding.evidence,
    cwe: finding.cwe,
    references: finding.references,
    suppressed: finding.suppressed === undefined ? undefined : { kind: finding.suppressed.kind, reason: finding.suppressed.reason },
  };
}

function canonicalError(error: ScanError): Record<string, unknown> {
  return { code: error.code, message: error.message, location: canonicalLocation(error.location) };
}

function canonicalLocation(location: Location): Record<string, unknown> {
  return { member: location.member, offset: location.offset };
}

function canonicalSummary(summary: ScanSummary): Record<string, unknown> {
  return {
    files: summary.files,
    unsafe: summary.unsafe,
    suspicious: summary.suspicious,
    error: summary.error,
    clean: summary.clean,
    incomplete: summary.incomplete,
    suppressed: summary.suppressed,
    findings: Object.fromEntries(SEVERITIES.map((s) => [s, summary.findings[s]])),
  };
}

/** A JSON.stringify replacer: every string value escaped (keys are ours; safeText is idempotent). */
export function escapeStrings(_key: string, value: unknown): unknown {
  return typeof value === "string" ? safeText(value) : value;
}
