import { writeFile } from "node:fs/promises";
import type { ScanReport } from "../core/finding.js";
import { renderJson } from "../report/json.js";
import { renderText } from "../report/text.js";
import { UsageError } from "./exit-codes.js";
import type { CliIo } from "./io.js";

/** The report formats every reporting command offers (`scan`, `audit`). */
export type ReportFormat = "text" | "json" | "sarif";

/**
 * Renders a report the way every command prints it; SARIF paths are relative to the working
 * folder. SARIF describes every rule, so only it loads them all.
 */
export async function renderReport(report: ScanReport, format: ReportFormat, options: { color: boolean; quiet: boolean }): Promise<string> {
  switch (format) {
    case "text":
      return renderText(report, options);
    case "json":
      return renderJson(report);
    case "sarif": {
      const [{ renderSarif }, { RULES }] = await Promise.all([import("../report/sarif.js"), import("../rules/index.js")]);
      return renderSarif(report, RULES, { srcRoot: process.cwd() });
    }
  }
}

/** Writes to `--output FILE`, or to standard output when none is given. */
export async function emitReport(text: string, output: string | undefined, io: CliIo): Promise<void> {
  if (output === undefined) {
    io.stdout.write(text);
    return;
  }
  try {
    await writeFile(output, text);
  } catch (error) {
    throw new UsageError(`cannot write ${JSON.stringify(output)}: ${systemReason(error)}`);
  }
}

/** `ENOENT: no such file or directory, open 'x'` -> `no such file or directory`. */
export function systemReason(error: unknown): string {
  const message = (error as Error).message;
  return /^E[A-Z]+: (.*?), \w+ '.*'$/.exec(message)?.[1] ?? message;
}
