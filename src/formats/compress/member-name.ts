/** Extensions a wrapper adds, and what the inner name becomes (`x.tgz` holds `x.tar`). */
const SUFFIXES: readonly [string, string][] = [
  [".tgz", ".tar"],
  [".tbz2", ".tar"],
  [".txz", ".tar"],
  [".tzst", ".tar"],
  [".gz", ""],
  [".gzip", ""],
  [".z", ""],
  [".zz", ""],
  [".zlib", ""],
  [".zst", ""],
  [".zstd", ""],
  [".bz2", ""],
  [".xz", ""],
  [".lz4", ""],
  [".7z", ""],
];

/**
 * The member name for the decompressed stream: the outer base name without the wrapper's
 * extension (`dir/model.pt.gz` gives `model.pt`); unchanged when it has no such extension.
 *
 * @example
 * innerName("model.pt.gz") === "model.pt";
 */
export function innerName(outer: string): string {
  const base = outer.slice(Math.max(outer.lastIndexOf("/"), outer.lastIndexOf("\\")) + 1);
  const lower = base.toLowerCase();
  for (const [suffix, replacement] of SUFFIXES) {
    if (lower.endsWith(suffix) && lower.length > suffix.length) return base.slice(0, -suffix.length) + replacement;
  }
  return base === "" ? "decompressed" : base;
}
