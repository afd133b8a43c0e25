import { bundledAdvisoryDb } from "../audit/data/index.js";
import { AUDIT_FORMAT, auditDocument } from "../audit/document.js";
import { parseRequirements } from "../audit/parse/requirements.js";
import type { DependencyList } from "../audit/types.js";
import type { Finding } from "../core/finding.js";
import { reportDocument } from "../engine/scan.js";
import { AUDIT_RULES } from "../rules/audit/index.js";

/** Findings of the AUD rules for a requirements text (or a ready list), with the default policy. */
export function auditFindings(input: string | DependencyList): Finding[] {
  const list = typeof input === "string" ? parseRequirements(input) : input;
  return reportDocument(AUDIT_FORMAT, auditDocument("requirements.txt", list, { db: bundledAdvisoryDb() }), { path: "requirements.txt", rules: AUDIT_RULES }).findings;
}
