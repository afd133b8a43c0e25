import type { Severity } from "../core/finding.js";
import { contains, describeInterval, overlaps, type Compare, type Interval } from "./interval.js";
import { compareMaven, isMavenVersion, mavenRangeInterval } from "./maven-version.js";
import { normalizeName } from "./names.js";
import { advisoriesFor, advisoryIds, advisorySeverity, advisoryUrl, type AdvisoryDb, type OsvAdvisory } from "./osv.js";
import { comparePep440, isPep440, specifierInterval } from "./pep440.js";
import { impactOf } from "./impact.js";
import type { Dependency, Ecosystem } from "./types.js";

/** One advisory that applies to one dependency. */
export interface AdvisoryMatch {
  /** `affected`: the exact version is in an affected range; `may-resolve`: the allowed range overlaps one. */
  status: "affected" | "may-resolve";
  dependency: Dependency;
  /** CVE, GHSA, PYSEC ids, the entry's own id first. */
  ids: string[];
  summary: string;
  /** The affected ranges, for people (`>= 3.0.0, < 3.9.0`). */
  affectedRange: string;
  /** First fixed version of the range that matched; undefined when no fix is published. */
  fixed?: string;
  /** The source's rating; undefined when it rates nothing (callers fail closed). */
  severity?: Severity;
  /** One line: what this means for loading models. */
  impact: string;
  url?: string;
}

/** A dependency whose version could not be compared (unparsable version or specifier). */
export interface UnmatchedDependency {
  dependency: Dependency;
  reason: string;
}

export interface DependencyAudit {
  matches: AdvisoryMatch[];
  unreadable: UnmatchedDependency[];
}

interface AffectedRange {
  interval: Interval;
  fixed?: string;
}

const SCHEMES: Readonly<Record<Ecosystem, { compare: Compare; valid: (v: string) => boolean }>> = {
  PyPI: { compare: comparePep440, valid: isPep440 },
  Maven: { compare: compareMaven, valid: isMavenVersion },
};

/**
 * Matches dependencies against the advisories. Exact versions are checked against each affected
 * range; ranges and unpinned requirements are checked for overlap ("may resolve").
 *
 * @example
 * auditDependencies([{ ecosystem: "PyPI", name: "torch", pinning: "exact", version: "2.5.1" }], db).matches[0].ids;
 * // ["GHSA-53q9-r3pm-6pq6", "CVE-2025-32434", ...]
 */
export function auditDependencies(dependencies: readonly Dependency[], db: AdvisoryDb): DependencyAudit {
  const matches: AdvisoryMatch[] = [];
  const unreadable: UnmatchedDependency[] = [];
  for (const dependency of dependencies) {
    const advisories = advisoriesFor(db, dependency.ecosystem, dependency.name);
    if (advisories.length === 0) continue;
    const scheme = SCHEMES[dependency.ecosystem];
    const wanted = wantedInterval(dependency);
    if (wanted === undefined) {
      unreadable.push({ dependency, reason: `${describeWanted(dependency)} is not a valid ${dependency.ecosystem === "PyPI" ? "PEP 440" : "Maven"} version or range; it was not checked against ${advisories.length} advisories for ${dependency.name}` });
      continue;
    }
    for (const advisory of advisories) {
      const ranges = affectedRanges(advisory, dependency);
      const hit = ranges.find((r) => (dependency.pinning === "exact" ? contains(r.interval, dependency.version as string, scheme.compare) : overlaps(r.interval, wanted, scheme.compare)));
      const listed = dependency.pinning === "exact" && hit === undefined && listedVersion(advisory, dependency);
      if (!hit && !listed) continue;
      const match: AdvisoryMatch = {
        status: dependency.pinning === "exact" ? "affected" : "may-resolve",
        dependency,
        ids: advisoryIds(advisory),
        summary: advisory.summary ?? advisory.id,
        affectedRange: ranges.length > 0 ? ranges.map((r) => describeInterval(r.interval)).join("; ") : "listed versions",
        impact: impactOf(advisory, dependency),
      };
      if (hit?.fixed !== undefined) match.fixed = hit.fixed;
      const severity = advisorySeverity(advisory);
      if (severity !== undefined) match.severity = severity;
      const url = advisoryUrl(advisory);
      if (url !== undefined) match.url = url;
      matches.push(match);
    }
  }
  return { matches, unreadable };
}

/** The versions a dependency allows, or undefined when its version or specifier does not parse. */
function wantedInterval(dependency: Dependency): Interval | undefined {
  const scheme = SCHEMES[dependency.ecosystem];
  if (dependency.pinning === "any") return {};
  if (dependency.pinning === "exact") {
    const v = dependency.version ?? "";
    return scheme.valid(v) ? { lower: { version: v, inclusive: true }, upper: { version: v, inclusive: true } } : undefined;
  }
  const spec = dependency.specifier ?? "";
  return dependency.ecosystem === "PyPI" ? specifierInterval(spec) : mavenRangeInterval(spec);
}

function describeWanted(dependency: Dependency): string {
  if (dependency.pinning === "exact") return `${dependency.name} version ${JSON.stringify(dependency.version ?? "")}`;
  return `${dependency.name} requirement ${JSON.stringify(dependency.specifier ?? "")}`;
}

/**
 * The ECOSYSTEM/SEMVER ranges of an advisory for one package, as intervals. Events pair up in
 * order: each `introduced` opens a range that the next `fixed` (exclusive) or `last_affected`
 * (inclusive) closes; an unclosed range runs to the newest version.
 */
export function affectedRanges(advisory: OsvAdvisory, dependency: Pick<Dependency, "ecosystem" | "name">): AffectedRange[] {
  const out: AffectedRange[] = [];
  const key = normalizeName(dependency.ecosystem, dependency.name);
  for (const affected of advisory.affected) {
    if (affected.package.ecosystem !== dependency.ecosystem || normalizeName(dependency.ecosystem, affected.package.name) !== key) continue;
    for (const range of affected.ranges ?? []) {
      if (range.type !== "ECOSYSTEM" && range.type !== "SEMVER") continue;
      let open: string | undefined;
      for (const event of range.events) {
        if ("introduced" in event) open = event.introduced;
        else if (open !== undefined && "fixed" in event) {
          out.push({ interval: { ...lowerOf(open), upper: { version: event.fixed, inclusive: false } }, fixed: event.fixed });
          open = undefined;
        } else if (open !== undefined && "last_affected" in event) {
          out.push({ interval: { ...lowerOf(open), upper: { version: event.last_affected, inclusive: true } } });
          open = undefined;
        }
      }
      if (open !== undefined) out.push({ interval: lowerOf(open) });
    }
  }
  return out;
}

function lowerOf(introduced: string): Interval {
  return introduced === "0" ? {} : { lower: { version: introduced, inclusive: true } };
}

/** OSV `versions`: explicit affected versions, used when no range says it. */
function listedVersion(advisory: OsvAdvisory, dependency: Dependency): boolean {
  const key = normalizeName(dependency.ecosystem, dependency.name);
  const version = dependency.version ?? "";
  return advisory.affected.some(
    (a) => a.package.ecosystem === dependency.ecosystem && normalizeName(dependency.ecosystem, a.package.name) === key && !(a.ranges ?? []).some((r) => r.type === "ECOSYSTEM" || r.type === "SEMVER") && (a.versions ?? []).some((v) => SCHEMES[dependency.ecosystem].compare(v, version) === 0),
  );
}
