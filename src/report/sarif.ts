import type { FileReport, Finding, ScanReport } from "../core/finding.js";
import type { Rule } from "../rules/types.js";
import { REPOSITORY_URL } from "../core/project.js";
import { fnv1a64 } from "./fingerprint.js";
import { escapeStrings } from "./json.js";
import { sarifLevel } from "./sarif-levels.js";
import { sarifLocation, SRCROOT } from "./sarif-location.js";
import { placeholderRule, sarifRule, type SarifRule } from "./sarif-rule.js";

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI = REPOSITORY_URL;

export interface SarifOptions {
  /**
   * The folder the scan ran in, absolute (the CLI passes its working folder): paths inside it are
   * written relative to `%SRCROOT%`, which `originalUriBaseIds` defines as this folder.
   */
  srcRoot?: string;
}

/**
 * Renders a report as SARIF 2.1.0 in the subset GitHub code scanning ingests: one run, every rule
 * described in `tool.driver.rules`, one result per finding, and files that could not be fully
 * scanned as error notifications on the invocation (so "could not scan" stays apart from "found
 * nothing").
 *
 * @example
 * writeFileSync("modelvet.sarif", renderSarif(report, RULES));
 */
export function renderSarif(report: ScanReport, rules: readonly Rule[], options: SarifOptions = {}): string {
  const descriptors = new RuleTable(rules);
  const fingerprints = new FingerprintCounter();
  const root = options.srcRoot;
  const results = report.files.flatMap((file) =>
    file.findings.map((finding) => sarifResult(file, finding, descriptors, fingerprints, root)),
  );
  const baseIds = root === undefined ? {} : { originalUriBaseIds: { [SRCROOT]: { uri: `file://${encodeURI(root.replaceAll("\\", "/").replace(/\/*$/, "/"))}` } } };
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: { name: report.tool.name, version: report.tool.version, semanticVersion: report.tool.version, informationUri: INFORMATION_URI, rules: descriptors.list },
        },
        ...baseIds,
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: report.files.flatMap((file) => notifications(file, root)) }],
        results,
      },
    ],
  };
  // Strings escaped on the way out, as in the JSON report (U+2028, bidi controls, C1).
  return `${JSON.stringify(log, escapeStrings, 2)}\n`;
}

function sarifResult(file: FileReport, finding: Finding, rules: RuleTable, fingerprints: FingerprintCounter, root: string | undefined) {
  const identity = [finding.ruleId, file.path, finding.location.member ?? "", finding.evidence ?? ""].join("\u0000");
  return {
    ruleId: finding.ruleId,
    ruleIndex: rules.indexOf(finding),
    level: sarifLevel(finding.severity),
    message: { text: messageText(finding) },
    locations: [sarifLocation(file.path, finding.location, root)],
    partialFingerprints: { primaryLocationLineHash: fingerprints.next(identity) },
    properties: { severity: finding.severity, confidence: finding.confidence },
    // A baselined finding stays in the log, marked, so code scanning shows it as suppressed.
    ...(finding.suppressed === undefined ? {} : { suppressions: [{ kind: "external", status: "accepted", justification: finding.suppressed.reason }] }),
  };
}

/** Message first: GitHub titles an alert with the first sentence. */
function messageText(finding: Finding): string {
  if (finding.evidence === undefined) return finding.message;
  return `${finding.message.replace(/\.$/, "")}. Evidence: ${finding.evidence}`;
}

function notifications(file: FileReport, root: string | undefined) {
  return file.errors.map((error) => ({
    level: "error",
    message: { text: `Cannot fully scan "${file.path}": ${error.message}` },
    locations: [sarifLocation(file.path, error.location, root)],
    properties: { code: error.code },
  }));
}

/** Rule descriptors in registry order, plus placeholders for ids the registry lacks. */
class RuleTable {
  readonly list: SarifRule[];
  private readonly index = new Map<string, number>();

  constructor(rules: readonly Rule[]) {
    this.list = rules.map((rule) => sarifRule(rule.meta));
    this.list.forEach((descriptor, i) => this.index.set(descriptor.id, i));
  }

  indexOf(finding: Finding): number {
    let i = this.index.get(finding.ruleId);
    if (i === undefined) {
      i = this.list.push(placeholderRule(finding.ruleId, finding.severity)) - 1;
      this.index.set(finding.ruleId, i);
    }
    return i;
  }
}

/**
 * Stable fingerprints in GitHub's `hash:occurrence` shape, under the one key GitHub reads. Giving
 * it ourselves also stops the upload action from line-hashing a multi-gigabyte binary to make one.
 * The identity leaves the byte offset out so a re-saved model with the same payload keeps its
 * alert; the occurrence count tells apart identical facts in one file.
 */
class FingerprintCounter {
  private readonly seen = new Map<string, number>();

  next(identity: string): string {
    const hash = fnv1a64(identity);
    const occurrence = (this.seen.get(hash) ?? 0) + 1;
    this.seen.set(hash, occurrence);
    return `${hash}:${occurrence}`;
  }
}
