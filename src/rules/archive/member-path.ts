/**
 * Path checks shared by the archive rules, after the normalisation extractors apply on Windows
 * (`\` is a separator there). Pure string logic: nothing is resolved on a real file system.
 */

/** Names longer than this are not paths any file system accepts (PATH_MAX on Linux). */
export const MAX_NAME_CHARS = 4096;

/** Why a member name would write outside the extraction folder (or is not a name at all). */
export function pathProblems(name: string): string[] {
  const problems: string[] = [];
  const p = name.replace(/\\/g, "/");
  if (p.includes("\0")) problems.push("contains a NUL byte");
  if (p.startsWith("/")) problems.push("is an absolute path");
  if (/^[A-Za-z]:/.test(p)) problems.push("starts with a drive letter");
  if (p.split("/").includes("..")) problems.push("has a '..' segment");
  if (name.length > MAX_NAME_CHARS) problems.push(`is ${name.length} characters long (more than ${MAX_NAME_CHARS})`);
  return problems;
}

/**
 * Where a link points, relative to the archive root, or `undefined` when it leaves the root
 * (absolute, drive letter, or more `..` than there are folders). Symlink targets are relative to
 * the link's folder; hardlink targets to the root.
 */
export function resolveInside(linkPath: string, target: string, { kind }: { kind: "symlink" | "hardlink" }): string | undefined {
  const t = target.replace(/\\/g, "/");
  if (t.startsWith("/") || /^[A-Za-z]:/.test(t)) return undefined;
  const base = kind === "symlink" ? linkPath.replace(/\\/g, "/").split("/").slice(0, -1) : [];
  const stack: string[] = [];
  for (const seg of [...base, ...t.split("/")]) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (stack.length === 0) return undefined;
      stack.pop();
    } else stack.push(seg);
  }
  return stack.join("/");
}

/** Folders on the way to `path` (`a/b/c` gives `a`, `a/b`), normalised. */
export function parentsOf(path: string): string[] {
  const segs = path.replace(/\\/g, "/").split("/").filter((s) => s !== "" && s !== ".");
  return segs.slice(0, -1).map((_, i) => segs.slice(0, i + 1).join("/"));
}
