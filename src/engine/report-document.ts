import type { FileReport } from "../core/finding.js";
import { RULES } from "../rules/index.js";
import { reportDocument as reportWith, type ScanOptions } from "./scan.js";

/**
 * A report for a fact found outside any file's bytes (a symlink met while walking a folder): the
 * rules of `format` (every rule unless `options.rules` says otherwise) run on `document` as if a
 * handler had produced it. The library entry exports this one; the engine's own needs its rules
 * loaded first, so that a scan loads only the rule families it meets.
 *
 * @example
 * const report = reportDocument("symlink", { format: "symlink", target: "../x", escapes: true }, { path: "m/link" });
 */
export function reportDocument(format: string, document: unknown, options: ScanOptions & { path: string; notes?: string[] }): FileReport {
  return reportWith(format, document, { ...options, rules: options.rules ?? RULES });
}
