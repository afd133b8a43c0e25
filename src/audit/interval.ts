/** One end of a version interval; absent means unbounded. */
export interface Bound {
  version: string;
  inclusive: boolean;
}

/** A contiguous set of versions of one package. */
export interface Interval {
  lower?: Bound;
  upper?: Bound;
}

export type Compare = (a: string, b: string) => number;

/**
 * Whether two intervals share at least one version. Over-approximates by design: a resolver could
 * pick any version in the overlap, and "may resolve to an affected version" is the claim.
 *
 * @example
 * overlaps({ lower: { version: "2.0", inclusive: true } }, { upper: { version: "2.6.0", inclusive: false } }, cmp); // true
 */
export function overlaps(a: Interval, b: Interval, compare: Compare): boolean {
  const lower = maxLower(a.lower, b.lower, compare);
  const upper = minUpper(a.upper, b.upper, compare);
  if (lower === undefined || upper === undefined) return true;
  const order = compare(lower.version, upper.version);
  return order < 0 || (order === 0 && lower.inclusive && upper.inclusive);
}

export function contains(interval: Interval, version: string, compare: Compare): boolean {
  return overlaps(interval, { lower: { version, inclusive: true }, upper: { version, inclusive: true } }, compare);
}

function maxLower(a: Bound | undefined, b: Bound | undefined, compare: Compare): Bound | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const order = compare(a.version, b.version);
  if (order !== 0) return order > 0 ? a : b;
  return { version: a.version, inclusive: a.inclusive && b.inclusive };
}

function minUpper(a: Bound | undefined, b: Bound | undefined, compare: Compare): Bound | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const order = compare(a.version, b.version);
  if (order !== 0) return order < 0 ? a : b;
  return { version: a.version, inclusive: a.inclusive && b.inclusive };
}

/** `>= 2.0, < 2.6.0` for people. */
export function describeInterval(interval: Interval): string {
  const parts: string[] = [];
  if (interval.lower) parts.push(`${interval.lower.inclusive ? ">=" : ">"} ${interval.lower.version}`);
  if (interval.upper) parts.push(`${interval.upper.inclusive ? "<=" : "<"} ${interval.upper.version}`);
  return parts.length > 0 ? parts.join(", ") : "all versions";
}
