/**
 * `--exclude GLOB` and the folders a walk never enters, as one predicate over a path relative to
 * the folder argument (POSIX separators).
 *
 * Glob syntax, as in .gitignore: `*` any run of characters but `/`, `**` any run including `/`,
 * `?` one character but `/`. A pattern without `/` matches any single name at any depth
 * (`*.bin`, `.venv`); a pattern with `/` matches the whole relative path (`data/**`). Excluding a
 * folder excludes everything below it.
 */

import { globRegExp } from "../core/glob.js";

/** Folders never walked: version-control metadata, not model files (`scan .` in a clone). */
export const SKIPPED_FOLDERS: readonly string[] = [".git", ".hg", ".svn"];

export type ExcludePredicate = (relativePath: string) => boolean;

/**
 * @example
 * const excluded = excludePredicate(["*.tmp", "data/**"]);
 * excluded("a/b.tmp"); // true
 */
export function excludePredicate(patterns: readonly string[]): ExcludePredicate {
  const compiled = patterns.map((pattern) => ({ anyDepth: !pattern.includes("/"), regex: globRegExp(pattern.replace(/^\/+|\/+$/g, "")) }));
  return (relativePath) => {
    const names = relativePath.split("/");
    if (names.some((name) => SKIPPED_FOLDERS.includes(name))) return true;
    return compiled.some(({ anyDepth, regex }) => (anyDepth ? names.some((name) => regex.test(name)) : prefixes(names).some((p) => regex.test(p))));
  };
}

/** `a/b/c` -> `a`, `a/b`, `a/b/c`: a pattern naming a folder excludes what is below it. */
function prefixes(names: readonly string[]): string[] {
  return names.map((_, i) => names.slice(0, i + 1).join("/"));
}
