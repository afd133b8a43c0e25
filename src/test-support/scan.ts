import { MemorySource } from "../core/byte-source.js";
import type { FileReport } from "../core/finding.js";
import { scanSource, type ScanOptions } from "../engine/scan.js";

/** Scans bytes in memory the way the CLI scans a file. */
export function scanBytes(bytes: Uint8Array, options: Partial<ScanOptions> & { path?: string } = {}): Promise<FileReport> {
  return scanSource(new MemorySource(bytes), { ...options, path: options.path ?? "sample.bin" });
}

export function ruleIds(report: FileReport): string[] {
  return [...new Set(report.findings.map((f) => f.ruleId))].sort();
}
