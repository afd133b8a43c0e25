import type { Severity } from "../core/finding.js";
import { RULE_DOCS_URL } from "../core/project.js";
import type { RuleMeta } from "../rules/types.js";
import { precision, sarifLevel, securitySeverity } from "./sarif-levels.js";

/** GitHub rejects relative help links, so rule pages are linked on the repository. */
export const RULE_DOCS_BASE = RULE_DOCS_URL;

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[]; precision: string; "security-severity": string };
}

/**
 * A SARIF `reportingDescriptor` for a rule, with GitHub's properties (tags, precision, score).
 *
 * @example
 * sarifRule(pkl001.meta).properties; // { tags: ["security", "external/cwe/cwe-502", …], precision: "high", "security-severity": "9.5" }
 */
export function sarifRule(meta: RuleMeta, options: { documented?: boolean } = {}): SarifRule {
  // A rule this build does not know has no page: link the rules folder, which exists.
  const helpUri = options.documented === false ? RULE_DOCS_BASE : `${RULE_DOCS_BASE}/${meta.id}.md`;
  return {
    id: meta.id,
    name: meta.slug,
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    helpUri,
    help: { text: helpText(meta, helpUri), markdown: helpMarkdown(meta, helpUri) },
    defaultConfiguration: { level: sarifLevel(meta.defaultSeverity) },
    properties: {
      tags: ["security", ...meta.cwe.map((n) => `external/cwe/cwe-${n}`)],
      precision: precision(meta.confidence),
      "security-severity": securitySeverity(meta.defaultSeverity),
    },
  };
}

/**
 * A descriptor for a rule id the registry does not know (a finding from a newer engine, say), so
 * every result still has a valid `ruleIndex`.
 */
export function placeholderRule(ruleId: string, severity: Severity): SarifRule {
  return sarifRule({
    id: ruleId,
    slug: ruleId.toLowerCase(),
    formats: [],
    title: ruleId,
    description: `Rule ${ruleId}; no metadata was available when this report was written.`,
    defaultSeverity: severity,
    confidence: "medium",
    cwe: [],
    references: [],
  }, { documented: false });
}

function helpText(meta: RuleMeta, helpUri: string): string {
  const lines = [meta.title, "", meta.description];
  if (meta.cwe.length > 0) lines.push("", `CWE: ${meta.cwe.map((n) => `CWE-${n}`).join(", ")}`);
  if (meta.references.length > 0) lines.push("", "References:", ...meta.references.map((r) => `- ${r}`));
  lines.push("", `Documentation: ${helpUri}`);
  return lines.join("\n");
}

function helpMarkdown(meta: RuleMeta, helpUri: string): string {
  const lines = [`**${meta.title}**`, "", meta.description];
  if (meta.cwe.length > 0) {
    const links = meta.cwe.map((n) => `[CWE-${n}](https://cwe.mitre.org/data/definitions/${n}.html)`);
    lines.push("", `CWE: ${links.join(", ")}`);
  }
  if (meta.references.length > 0) lines.push("", "References:", "", ...meta.references.map((r) => `- ${markdownReference(r)}`));
  lines.push("", `[Rule documentation](${helpUri})`);
  return lines.join("\n");
}

function markdownReference(reference: string): string {
  return /^https?:\/\//.test(reference) ? `<${reference}>` : reference;
}
