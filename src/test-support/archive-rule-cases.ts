import { expect } from "vitest";
import type { FileReport, Finding } from "../core/finding.js";
import type { FormatHandler } from "../core/handler.js";
import { bzip2Handler, gzipHandler, lz4Handler, sevenZipHandler, xzHandler, zlibHandler, zstdHandler } from "../formats/compress/index.js";
import { FORMAT_HANDLERS } from "../formats/index.js";
import { tarHandler } from "../formats/tar/index.js";
import { zipHandler } from "../formats/zip/index.js";
import type { Rule } from "../rules/types.js";
import { scanBytes } from "./scan.js";

const ARCHIVE_HANDLERS: readonly FormatHandler[] = [zipHandler, tarHandler, gzipHandler, zlibHandler, zstdHandler, lz4Handler, bzip2Handler, xzHandler, sevenZipHandler];

/** The registered handlers plus the archive ones (deduplicated by id, in case they are registered already). */
export function withArchiveHandlers(): FormatHandler[] {
  return [...new Map([...FORMAT_HANDLERS, ...ARCHIVE_HANDLERS].map((h) => [h.id, h])).values()];
}

/**
 * Scans `bytes` with the archive handlers and one rule, and asserts that the rule does (or does
 * not) fire. Returns the report and the rule's findings.
 */
export async function expectArchiveRule(bytes: Uint8Array, rule: Rule, { present, path = "sample.bin" }: { present: boolean; path?: string }): Promise<{ report: FileReport; hits: Finding[] }> {
  const report = await scanBytes(bytes, { handlers: withArchiveHandlers(), rules: [rule], path });
  const hits = report.findings.filter((f) => f.ruleId === rule.meta.id);
  const dump = JSON.stringify({ findings: report.findings, errors: report.errors, formats: report.formats }, null, 1);
  if (present) expect(hits.length, dump).toBeGreaterThan(0);
  else expect(hits, dump).toEqual([]);
  return { report, hits };
}
