import { auditDependencies, type AdvisoryMatch, type UnmatchedDependency } from "./match.js";
import type { AdvisoryDb } from "./osv.js";
import type { AuditInputKind, Dependency, DependencyList } from "./types.js";

/** Format id of audit documents: rules AUD001–AUD004 read it. */
export const AUDIT_FORMAT = "dependency-audit";

/** What the AUD rules read: the dependencies of one input and the advisories that apply. */
export interface AuditDocument {
  /** The input's path or name, for messages. */
  name: string;
  kind: AuditInputKind;
  dependencies: Dependency[];
  matches: AdvisoryMatch[];
  unreadable: UnmatchedDependency[];
  /** Parts of the input that could not be read: the audit of it is incomplete (fail closed). */
  problems: string[];
  notes: string[];
}

/**
 * Matches a dependency list against the advisories.
 *
 * @example
 * const doc = auditDocument("requirements.txt", parseRequirements("mlflow==2.9.0\n"), { db: bundledAdvisoryDb() });
 * doc.matches[0].ids; // ["GHSA-6749-m5cp-6cg7", "CVE-2024-27132"]
 */
export function auditDocument(name: string, list: DependencyList, options: { db: AdvisoryDb }): AuditDocument {
  const { matches, unreadable } = auditDependencies(list.dependencies, options.db);
  return { name, kind: list.kind, dependencies: list.dependencies, matches, unreadable, problems: list.problems, notes: list.notes };
}

/** `mlflow 2.9.0`, `torch >=2.0`, `numpy (any version)`, with where it was found. */
export function describeDependency(dep: Dependency): string {
  const what = dep.pinning === "exact" ? `${dep.name} ${dep.version}` : dep.pinning === "range" ? `${dep.name} ${dep.specifier}` : `${dep.name} (any version)`;
  return what;
}

/** `line 3`, `from constraints.txt line 2`, `venv/.../METADATA`. */
export function whereOf(dep: Dependency): string | undefined {
  const parts = [dep.from, dep.line !== undefined ? `line ${dep.line}` : undefined].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join(" ") : undefined;
}
