import { comparePaths } from "./paths.js";
import type { Serialization } from "./serialization.js";

/** One signed object: a file (`name` = relative path) or a shard (`name` = `path:start:end`). */
export interface ManifestItem {
  name: string;
  /** `sha256`, `blake2b`, or `sha256-sharded-<size>` for shards. */
  algorithm: string;
  /** Lower-case hex. */
  digest: string;
}

/** What a model is made of, as digests; both signing and verification produce one. */
export interface Manifest {
  /** The model folder's name when it was hashed: informative only, never compared. */
  modelName: string;
  serialization: Serialization;
  /** In canonical order (sortItems). */
  items: ManifestItem[];
}

/** A file's shard as the reference names it: `path:start:end`, end exclusive. */
export function shardName(path: string, start: number, end: number): string {
  return `${path}:${start}:${end}`;
}

interface ItemKey {
  path: string;
  start: number;
  end: number;
}

/** Splits `path:start:end`; a file name (no two trailing numbers) is its own path. */
function itemKey(name: string, sharded: boolean): ItemKey {
  if (!sharded) return { path: name, start: 0, end: 0 };
  // [\s\S]: a file name may contain a newline, and `.` would not match it.
  const match = /^([\s\S]*):(\d+):(\d+)$/.exec(name);
  return match ? { path: match[1] as string, start: Number(match[2]), end: Number(match[3]) } : { path: name, start: 0, end: 0 };
}

/**
 * Sorts items the way the reference tool does (dataclass order over `PurePosixPath`, then shard
 * offsets), so a manifest we sign lists its resources in the same order as the reference's.
 */
export function sortItems(items: readonly ManifestItem[], sharded: boolean): ManifestItem[] {
  const keyed = items.map((item) => ({ item, key: itemKey(item.name, sharded) }));
  keyed.sort((a, b) => comparePaths(a.key.path, b.key.path) || a.key.start - b.key.start || a.key.end - b.key.end);
  return keyed.map((k) => k.item);
}

export interface ManifestChange {
  name: string;
  expected: ManifestItem;
  actual: ManifestItem;
}

/** How the model on disk differs from the signed manifest. */
export interface ManifestDiff {
  /** On disk, not signed. */
  added: string[];
  /** Signed, not on disk. */
  removed: string[];
  /** On both, with another digest (or another algorithm). */
  changed: ManifestChange[];
}

/**
 * Compares two manifests as sets of (name, algorithm, digest), like the reference's `Manifest.__eq__`:
 * order, model name and serialization do not matter.
 */
export function compareManifests(expected: Manifest, actual: Manifest): ManifestDiff {
  const want = new Map(expected.items.map((item) => [item.name, item]));
  const have = new Map(actual.items.map((item) => [item.name, item]));
  const diff: ManifestDiff = { added: [], removed: [], changed: [] };
  for (const [name, item] of have) {
    const signed = want.get(name);
    if (signed === undefined) diff.added.push(name);
    else if (signed.digest !== item.digest || signed.algorithm !== item.algorithm) diff.changed.push({ name, expected: signed, actual: item });
  }
  for (const name of want.keys()) if (!have.has(name)) diff.removed.push(name);
  return diff;
}

export function isEmptyDiff(diff: ManifestDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

/** Names listed per kind of difference in a message; the rest is counted. */
const LISTED_PER_KIND = 5;

/**
 * One line per kind of difference, the names quoted.
 *
 * @example
 * describeDiff({ added: ["x"], removed: [], changed: [] }); // 'not signed, but present: "x"'
 */
export function describeDiff(diff: ManifestDiff): string {
  const list = (names: readonly string[]): string => {
    const shown = names.slice(0, LISTED_PER_KIND).map((n) => JSON.stringify(n));
    const more = names.length - shown.length;
    return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
  };
  const lines: string[] = [];
  if (diff.changed.length > 0) {
    const algorithmOnly = diff.changed.every((c) => c.expected.algorithm !== c.actual.algorithm);
    const what = algorithmOnly ? "hashed differently (algorithm)" : "changed (digest differs)";
    lines.push(`${what}: ${list(diff.changed.map((c) => c.name))}`);
  }
  if (diff.removed.length > 0) lines.push(`signed, but missing: ${list(diff.removed)}`);
  if (diff.added.length > 0) lines.push(`not signed, but present: ${list(diff.added)}`);
  return lines.join("; ");
}
