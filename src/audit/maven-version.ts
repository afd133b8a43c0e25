/**
 * Maven version ordering after `org.apache.maven.artifact.versioning.ComparableVersion`:
 * versions split into numbers and qualifiers at `.`, `-` and digit/letter changes; `-` opens a
 * sub-list; trailing zeros and release qualifiers (`ga`, `final`, `release`) are dropped;
 * qualifiers order alpha < beta < milestone < rc = cr < snapshot < (release) < sp < anything
 * else (alphabetically); a number beats any qualifier.
 *
 * @example
 * compareMaven("0.23.0", "0.23.1"); // -1
 * compareMaven("1.0-rc1", "1.0");  // -1
 * compareMaven("1.0.0", "1");      // 0
 */
export function compareMaven(a: string, b: string): number {
  return Math.sign(compareItems(parseMaven(a), parseMaven(b)));
}

/** Longest version string parsed (CWE-400): real Maven versions are a few dozen characters. */
export const MAX_MAVEN_VERSION_CHARS = 128;

type Item = { kind: "int"; value: bigint } | { kind: "string"; value: string } | { kind: "list"; items: Item[] };

const QUALIFIERS = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const ALIASES: Readonly<Record<string, string>> = { ga: "", final: "", release: "", cr: "rc" };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(""));

export function isMavenVersion(version: string): boolean {
  return version.length > 0 && version.length <= MAX_MAVEN_VERSION_CHARS && /^[0-9A-Za-z][0-9A-Za-z._+-]*$/.test(version);
}

function parseMaven(version: string): Item {
  const text = version.slice(0, MAX_MAVEN_VERSION_CHARS).toLowerCase();
  const root: Item & { kind: "list" } = { kind: "list", items: [] };
  let list = root;
  const lists: (Item & { kind: "list" })[] = [root];
  let isDigit = false;
  let start = 0;
  const push = (token: string, digit: boolean, followedByDigit: boolean): void => {
    list.items.push(digit ? { kind: "int", value: BigInt(token) } : stringItem(token, followedByDigit));
  };
  const openList = (): void => {
    const next: Item & { kind: "list" } = { kind: "list", items: [] };
    list.items.push(next);
    list = next;
    lists.push(next);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === ".") {
      if (i === start) list.items.push({ kind: "int", value: 0n });
      else push(text.slice(start, i), isDigit, false);
      start = i + 1;
    } else if (c === "-") {
      if (i === start) list.items.push({ kind: "int", value: 0n });
      else push(text.slice(start, i), isDigit, false);
      start = i + 1;
      openList();
    } else if (c >= "0" && c <= "9") {
      if (!isDigit && i > start) {
        push(text.slice(start, i), false, true);
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        push(text.slice(start, i), true, false);
        start = i;
        openList();
      }
      isDigit = false;
    }
  }
  if (text.length > start) push(text.slice(start), isDigit, false);
  for (let i = lists.length - 1; i >= 0; i--) normalize(lists[i] as Item & { kind: "list" });
  return root;
}

function stringItem(token: string, followedByDigit: boolean): Item {
  let value = token;
  if (followedByDigit && value.length === 1) value = value === "a" ? "alpha" : value === "b" ? "beta" : value === "m" ? "milestone" : value;
  return { kind: "string", value: ALIASES[value] ?? value };
}

function isNull(item: Item): boolean {
  if (item.kind === "int") return item.value === 0n;
  if (item.kind === "string") return comparable(item.value) === RELEASE_INDEX;
  return item.items.length === 0;
}

/** Drops trailing "null" items (0, release qualifiers, empty lists) as Maven does. */
function normalize(list: Item & { kind: "list" }): void {
  for (let i = list.items.length - 1; i >= 0; i--) {
    const item = list.items[i] as Item;
    if (isNull(item)) list.items.splice(i, 1);
    else if (item.kind !== "list") break;
  }
}

function comparable(qualifier: string): string {
  const index = QUALIFIERS.indexOf(qualifier);
  return index >= 0 ? String(index) : `${QUALIFIERS.length}-${qualifier}`;
}

function compareItems(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return -compareItems(b, undefined);
  if (a.kind === "int") {
    if (b === undefined) return a.value === 0n ? 0 : 1;
    if (b.kind === "int") return a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
    return 1;
  }
  if (a.kind === "string") {
    if (b === undefined) return cmp(comparable(a.value), RELEASE_INDEX);
    if (b.kind === "string") return cmp(comparable(a.value), comparable(b.value));
    return -1;
  }
  if (b === undefined) return a.items.length === 0 ? 0 : compareItems(a.items[0], undefined);
  if (b.kind === "int") return -1;
  if (b.kind === "string") return 1;
  const n = Math.max(a.items.length, b.items.length);
  for (let i = 0; i < n; i++) {
    const r = compareItems(a.items[i], b.items[i]);
    if (r !== 0) return r;
  }
  return 0;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The interval a Maven version range allows (`[1.0,2.0)`, `(,1.0]`, `[1.5]`), or undefined when
 * it is not a range. A plain version in a POM is a "soft" requirement: Maven uses it unless a
 * conflict forces another, so callers treat it as exact.
 */
export function mavenRangeInterval(spec: string): { lower?: { version: string; inclusive: boolean }; upper?: { version: string; inclusive: boolean } } | undefined {
  const m = /^\s*([[(])\s*([^,\])]*?)\s*(?:,\s*([^\])]*?)\s*)?([\])])\s*$/.exec(spec);
  if (!m) return undefined;
  const [, open, low = "", high, close] = m;
  if (high === undefined) {
    if (open !== "[" || close !== "]" || low === "") return undefined;
    return { lower: { version: low, inclusive: true }, upper: { version: low, inclusive: true } };
  }
  const out: { lower?: { version: string; inclusive: boolean }; upper?: { version: string; inclusive: boolean } } = {};
  if (low !== "") out.lower = { version: low, inclusive: open === "[" };
  if (high !== "") out.upper = { version: high, inclusive: close === "]" };
  return out;
}
