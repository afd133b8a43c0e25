import { compare as pepCompare, valid } from "@renovatebot/pep440";
import { parse as parseSpecifier } from "@renovatebot/pep440/lib/specifier.js";
import type { Interval } from "./interval.js";

/** Longest version or specifier string handed to the PEP 440 parser (CWE-1333: its patterns are regular expressions). */
export const MAX_SPECIFIER_CHARS = 256;

export function isPep440(version: string): boolean {
  return version.length <= MAX_SPECIFIER_CHARS && valid(version) !== null;
}

/**
 * PEP 440 ordering (epochs, pre/post/dev releases, local versions). Versions that do not parse
 * sort by plain string comparison after every valid one, so they never look "older than the fix"
 * by accident; callers check `isPep440` and report such versions as unreadable first.
 */
export function comparePep440(a: string, b: string): number {
  const va = isPep440(a);
  const vb = isPep440(b);
  if (va && vb) return pepCompare(a, b);
  if (va !== vb) return va ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The interval a PEP 440 specifier allows, or undefined when it does not parse. `!=` clauses are
 * dropped (the interval stays a superset, which is the safe direction for "may resolve").
 *
 * @example
 * specifierInterval(">=2.0,<2.6"); // { lower: {version:"2.0",inclusive:true}, upper: {version:"2.6",inclusive:false} }
 */
export function specifierInterval(specifier: string): Interval | undefined {
  const text = specifier.trim();
  if (text === "") return {};
  if (text.length > MAX_SPECIFIER_CHARS) return undefined;
  const clauses = parseSpecifier(text);
  if (!clauses || clauses.length === 0) return undefined;
  let interval: Interval = {};
  for (const clause of clauses) {
    const c = clause as unknown as { operator: string; version: string; prefix?: string; release: number[]; epoch: number };
    const next = clauseInterval(c);
    if (next === undefined) return undefined;
    interval = intersect(interval, next);
  }
  return interval;
}

function clauseInterval(c: { operator: string; version: string; prefix?: string; release: number[]; epoch: number }): Interval | undefined {
  const v = c.version;
  switch (c.operator) {
    case ">=":
      return { lower: { version: v, inclusive: true } };
    case ">":
      return { lower: { version: v, inclusive: false } };
    case "<=":
      return { upper: { version: v, inclusive: true } };
    case "<":
      return { upper: { version: v, inclusive: false } };
    case "!=":
      return {};
    case "===":
      return { lower: { version: v, inclusive: true }, upper: { version: v, inclusive: true } };
    case "==":
      if (c.prefix === ".*") return { lower: { version: `${v}.dev0`, inclusive: true }, upper: { version: `${bump(c.epoch, c.release, c.release.length)}.dev0`, inclusive: false } };
      return { lower: { version: v, inclusive: true }, upper: { version: v, inclusive: true } };
    case "~=":
      // ~=2.2.1 means >=2.2.1, ==2.2.*: bump the second-to-last release segment.
      if (c.release.length < 2) return undefined;
      return { lower: { version: v, inclusive: true }, upper: { version: `${bump(c.epoch, c.release, c.release.length - 1)}.dev0`, inclusive: false } };
    default:
      return undefined;
  }
}

/** The first release after every version that starts with the first `length` segments. */
function bump(epoch: number, release: readonly number[], length: number): string {
  const head = release.slice(0, length);
  head[head.length - 1] = (head[head.length - 1] ?? 0) + 1;
  return `${epoch > 0 ? `${epoch}!` : ""}${head.join(".")}`;
}

function intersect(a: Interval, b: Interval): Interval {
  const out: Interval = {};
  const lowers = [a.lower, b.lower].filter((x) => x !== undefined);
  const uppers = [a.upper, b.upper].filter((x) => x !== undefined);
  for (const l of lowers) if (!out.lower || comparePep440(l.version, out.lower.version) > 0 || (comparePep440(l.version, out.lower.version) === 0 && !l.inclusive)) out.lower = l;
  for (const u of uppers) if (!out.upper || comparePep440(u.version, out.upper.version) < 0 || (comparePep440(u.version, out.upper.version) === 0 && !u.inclusive)) out.upper = u;
  return out;
}
