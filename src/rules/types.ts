import type { Confidence, Severity } from "../core/finding.js";
import type { Policy } from "../policy/policy.js";

/** Static facts about a rule. Severity here is only the default; the policy decides. */
export interface RuleMeta {
  /** Stable forever: used in reports, SARIF, policy files and suppressions. */
  id: string;
  /** File and doc slug, e.g. `pickle-dangerous-global`. */
  slug: string;
  /** Document formats the rule reads (`FormatAnalysis.format`). */
  formats: readonly string[];
  title: string;
  /** One sentence: what the rule catches. */
  description: string;
  defaultSeverity: Severity;
  confidence: Confidence;
  /** CWE numbers, e.g. [502]. */
  cwe: readonly number[];
  /** CVE / GHSA ids and URLs. */
  references: readonly string[];
}

/** A fact a rule reports. No severity: that comes from policy, in one place. */
export interface Hit {
  message: string;
  evidence?: string;
  /** Byte offset in the document's source. */
  offset?: number;
  /** Path below the document's own member path, when the fact is about a member of it. */
  member?: string;
}

export interface RuleContext {
  report(hit: Hit): void;
  policy: Policy;
}

export interface Rule<TDoc = unknown> {
  meta: RuleMeta;
  /** Pure and synchronous: reads a parsed document, reports facts. */
  check(doc: TDoc, ctx: RuleContext): void;
}

/** Identity helper that keeps the document type of a rule. */
export function defineRule<TDoc>(rule: Rule<TDoc>): Rule<TDoc> {
  return rule;
}
