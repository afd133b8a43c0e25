import { isSeverity, type Severity } from "../core/finding.js";
import { normalizeName } from "./names.js";
import type { Ecosystem } from "./types.js";

/**
 * The part of the OSV schema (https://ossf.github.io/osv-schema/) the audit reads. Fields not
 * listed here are dropped when the bundled snapshot is built and ignored when a feed is read.
 */
export interface OsvAdvisory {
  id: string;
  aliases?: string[];
  summary?: string;
  modified?: string;
  severity?: { type: string; score: string }[];
  affected: OsvAffected[];
  references?: { type: string; url: string }[];
  database_specific?: {
    /** GHSA's rating: LOW, MODERATE, HIGH, CRITICAL. */
    severity?: string;
    cwe_ids?: string[];
    /** Where this entry was taken from (an advisory URL, a repository path at a commit). */
    source?: string;
    /** One line: what the flaw means for someone loading models with the package. */
    modelvet_impact?: string;
  };
}

export interface OsvAffected {
  package: { ecosystem: string; name: string };
  ranges?: { type: string; events: OsvEvent[] }[];
  versions?: string[];
}

export type OsvEvent = { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

/** Advisories indexed by `ecosystem:normalised-name`. */
export interface AdvisoryDb {
  byPackage: ReadonlyMap<string, readonly OsvAdvisory[]>;
  /** Where the data came from, for the report notes. */
  sources: string[];
  count: number;
}

/** Entries read from one feed (CWE-400): the ML subset of PyPI and Maven is a few thousand. */
export const MAX_ADVISORIES = 200_000;
/** Affected entries, ranges and events per advisory (CWE-400). */
export const MAX_AFFECTED_ITEMS = 10_000;

export const SUPPORTED_ECOSYSTEMS: readonly Ecosystem[] = ["PyPI", "Maven"];

export function packageKey(ecosystem: Ecosystem, name: string): string {
  return `${ecosystem}:${normalizeName(ecosystem, name)}`;
}

/**
 * Checks that a value has the OSV shape the audit relies on; returns a sentence naming the first
 * problem, or undefined when the entry is usable. Unknown fields are allowed (OSV grows).
 */
export function osvProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "entry is not an object";
  if (typeof value.id !== "string" || value.id === "") return "entry has no string id";
  const id = JSON.stringify(value.id);
  if (value.aliases !== undefined && (!isStringArray(value.aliases) || value.aliases.length > MAX_AFFECTED_ITEMS)) return `${id}: aliases is not a list of strings`;
  if (value.summary !== undefined && typeof value.summary !== "string") return `${id}: summary is not a string`;
  if (!Array.isArray(value.affected)) return `${id}: affected is not a list`;
  if (value.affected.length > MAX_AFFECTED_ITEMS) return `${id}: more than ${MAX_AFFECTED_ITEMS} affected entries`;
  for (const a of value.affected) {
    if (!isObject(a) || !isObject(a.package) || typeof a.package.ecosystem !== "string" || typeof a.package.name !== "string") return `${id}: affected entry without package ecosystem and name`;
    if (a.versions !== undefined && !isStringArray(a.versions)) return `${id}: affected versions is not a list of strings`;
    if (a.ranges === undefined) continue;
    if (!Array.isArray(a.ranges) || a.ranges.length > MAX_AFFECTED_ITEMS) return `${id}: ranges is not a list`;
    for (const r of a.ranges) {
      if (!isObject(r) || typeof r.type !== "string" || !Array.isArray(r.events) || r.events.length > MAX_AFFECTED_ITEMS) return `${id}: range without type and events`;
      for (const e of r.events) if (!isEvent(e)) return `${id}: range event ${JSON.stringify(e)} is not introduced/fixed/last_affected/limit`;
    }
  }
  if (value.severity !== undefined && (!Array.isArray(value.severity) || !value.severity.every((s) => isObject(s) && typeof s.type === "string" && typeof s.score === "string"))) return `${id}: severity is not a list of {type, score}`;
  if (value.references !== undefined && (!Array.isArray(value.references) || !value.references.every((r) => isObject(r) && typeof r.url === "string"))) return `${id}: references is not a list of {type, url}`;
  if (value.database_specific !== undefined && !isObject(value.database_specific)) return `${id}: database_specific is not an object`;
  return undefined;
}

function isEvent(e: unknown): boolean {
  if (!isObject(e)) return false;
  const keys = Object.keys(e);
  return keys.length === 1 && ["introduced", "fixed", "last_affected", "limit"].includes(keys[0] as string) && typeof e[keys[0] as string] === "string";
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

/**
 * Indexes advisories by package. Later lists win for the same advisory id (a refreshed feed
 * replaces the bundled entry); aliases merge duplicates across sources (a PYSEC and a GHSA entry
 * for the same CVE are one advisory with both ids).
 */
export function buildAdvisoryDb(sets: readonly { source: string; advisories: readonly OsvAdvisory[] }[]): AdvisoryDb {
  const byId = new Map<string, OsvAdvisory>();
  for (const set of sets) for (const a of set.advisories) byId.set(a.id, a);
  const all = dropAliasDuplicates([...byId.values()]);
  const byPackage = new Map<string, OsvAdvisory[]>();
  for (const advisory of all) {
    const keys = new Set<string>();
    for (const affected of advisory.affected) {
      const ecosystem = affected.package.ecosystem;
      if (ecosystem !== "PyPI" && ecosystem !== "Maven") continue;
      keys.add(packageKey(ecosystem, affected.package.name));
    }
    for (const key of keys) byPackage.set(key, [...(byPackage.get(key) ?? []), advisory]);
  }
  return { byPackage, sources: sets.map((s) => s.source), count: all.length };
}

/**
 * Two entries that share an id or alias and a package describe one flaw: keep the one with a
 * fix event or the later one, and give it the other's ids.
 */
function dropAliasDuplicates(advisories: OsvAdvisory[]): OsvAdvisory[] {
  const kept: OsvAdvisory[] = [];
  const owner = new Map<string, number>();
  for (const advisory of advisories) {
    const ids = [advisory.id, ...(advisory.aliases ?? [])];
    const packages = advisory.affected.map((a) => `${a.package.ecosystem}:${a.package.name.toLowerCase()}`);
    const hit = ids.flatMap((id) => packages.map((p) => owner.get(`${id}|${p}`))).find((i) => i !== undefined);
    if (hit === undefined) {
      kept.push(advisory);
      for (const id of ids) for (const p of packages) owner.set(`${id}|${p}`, kept.length - 1);
      continue;
    }
    const existing = kept[hit] as OsvAdvisory;
    const merged = new Set([existing.id, ...(existing.aliases ?? []), ...ids]);
    const primary = preferGhsa(existing, advisory);
    merged.delete(primary.id);
    kept[hit] = { ...primary, aliases: [...merged] };
    for (const id of ids) for (const p of packages) owner.set(`${id}|${p}`, hit);
  }
  return kept;
}

/** GHSA/curated entries carry severity and fixed versions more often than PYSEC ones. */
function preferGhsa(a: OsvAdvisory, b: OsvAdvisory): OsvAdvisory {
  const rated = (x: OsvAdvisory): number => (x.database_specific?.severity ? 2 : 0) + (x.severity?.length ? 1 : 0) + (x.database_specific?.modelvet_impact ? 4 : 0);
  return rated(b) > rated(a) ? b : a;
}

export function advisoriesFor(db: AdvisoryDb, ecosystem: Ecosystem, name: string): readonly OsvAdvisory[] {
  return db.byPackage.get(packageKey(ecosystem, name)) ?? [];
}

/** CVE, GHSA and PYSEC ids of an advisory, its own id first. */
export function advisoryIds(advisory: OsvAdvisory): string[] {
  return [...new Set([advisory.id, ...(advisory.aliases ?? [])])];
}

/**
 * The advisory's severity: GHSA's rating when present, else the CVSS v3 base score, else a
 * rough reading of a CVSS v4 vector; undefined when the source rates nothing.
 */
export function advisorySeverity(advisory: OsvAdvisory): Severity | undefined {
  const rating = advisory.database_specific?.severity?.toLowerCase();
  if (rating === "moderate") return "medium";
  if (isSeverity(rating)) return rating;
  for (const s of advisory.severity ?? []) {
    if (s.type === "CVSS_V3") {
      const score = cvss3BaseScore(s.score);
      if (score !== undefined) return scoreSeverity(score);
    }
  }
  for (const s of advisory.severity ?? []) if (s.type === "CVSS_V4") return cvss4Severity(s.score);
  return undefined;
}

function scoreSeverity(score: number): Severity {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  return score > 0 ? "low" : "info";
}

/** CVSS v3.x base score from its vector (FIRST specification, section 7). */
export function cvss3BaseScore(vector: string): number | undefined {
  const m = Object.fromEntries(vector.split("/").slice(1).map((p) => p.split(":") as [string, string]));
  const av = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 }[m.AV as string];
  const ac = { L: 0.77, H: 0.44 }[m.AC as string];
  const ui = { N: 0.85, R: 0.62 }[m.UI as string];
  const scopeChanged = m.S === "C";
  const pr = (scopeChanged ? { N: 0.85, L: 0.68, H: 0.5 } : { N: 0.85, L: 0.62, H: 0.27 })[m.PR as string];
  const cia = (k: string): number | undefined => ({ H: 0.56, L: 0.22, N: 0 })[m[k] as string];
  const c = cia("C");
  const i = cia("I");
  const a = cia("A");
  if (av === undefined || ac === undefined || ui === undefined || pr === undefined || c === undefined || i === undefined || a === undefined || (m.S !== "U" && m.S !== "C")) return undefined;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scopeChanged ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  if (impact <= 0) return 0;
  const exploitability = 8.22 * av * ac * pr * ui;
  const raw = scopeChanged ? Math.min(1.08 * (impact + exploitability), 10) : Math.min(impact + exploitability, 10);
  return Math.ceil(raw * 10 - 1e-9) / 10;
}

/** CVSS v4 has no closed formula; read the vector's key metrics conservatively. */
function cvss4Severity(vector: string): Severity {
  const m = Object.fromEntries(vector.split("/").slice(1).map((p) => p.split(":") as [string, string]));
  const highs = ["VC", "VI", "VA"].filter((k) => m[k] === "H").length;
  if (highs === 3 && m.AV === "N" && m.AT === "N" && m.PR === "N" && m.UI === "N") return "critical";
  if (highs > 0) return "high";
  return ["VC", "VI", "VA"].some((k) => m[k] === "L") ? "medium" : "low";
}

/** First URL worth following: the advisory page, else any reference, else the entry's source. */
export function advisoryUrl(advisory: OsvAdvisory): string | undefined {
  const refs = advisory.references ?? [];
  return refs.find((r) => r.type === "ADVISORY")?.url ?? refs[0]?.url ?? advisory.database_specific?.source;
}

/** `isSeverity` re-exported for feed readers that validate ratings. */
export { isSeverity };
