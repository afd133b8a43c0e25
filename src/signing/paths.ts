/**
 * Model-relative POSIX paths as the reference tool handles them: names in a manifest are relative
 * paths with `/` separators, ignore paths match by whole components (`pathlib.is_relative_to`), and
 * order is Python's `PurePosixPath` order (component by component, by code point).
 */

/** Splits a relative POSIX path into components, dropping `.` and empty ones as pathlib does. */
export function pathParts(path: string): string[] {
  return path.split("/").filter((part) => part !== "" && part !== ".");
}

/** Normalises a relative POSIX path: `./a//b/` -> `a/b`; the model root itself is `.`. */
export function normalizeRelative(path: string): string {
  const parts = pathParts(path);
  return parts.length === 0 ? "." : parts.join("/");
}

/**
 * Whether a manifest name is a safe model-relative path: not absolute, no `..`, no NUL. Names come
 * from the signature, so they are checked before they are trusted to mean a file in the model.
 */
export function isSafeRelativePath(path: string): boolean {
  if (path.startsWith("/") || path.includes("\0")) return false;
  return !path.split("/").includes("..");
}

/**
 * Whether `path` is an ignore path or lies below one (both model-relative). An ignore path of `.`
 * covers the whole model.
 *
 * @example
 * isIgnored(".git/config", [".git"]); // true
 * isIgnored(".gitignore-not", [".gitignore"]); // false
 */
export function isIgnored(path: string, ignorePaths: readonly string[]): boolean {
  const parts = pathParts(path);
  return ignorePaths.some((ignore) => {
    const prefix = pathParts(ignore);
    return prefix.length <= parts.length && prefix.every((part, i) => parts[i] === part);
  });
}

/** Python's str ordering: by code point, which differs from JS `<` (UTF-16 units) above U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const diff = (x.value.codePointAt(0) as number) - (y.value.codePointAt(0) as number);
    if (diff !== 0) return diff;
  }
}

/** `PurePosixPath` ordering: components compared in turn, a proper prefix first. */
export function comparePaths(a: string, b: string): number {
  const left = pathParts(a);
  const right = pathParts(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = compareCodePoints(left[i] as string, right[i] as string);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}
