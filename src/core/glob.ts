/**
 * A glob as a RegExp over a POSIX relative path, as in .gitignore: `*` any run of characters but
 * `/`, `**` any run including `/` (`**\/` zero or more folders), `?` one character but `/`.
 *
 * @example
 * globRegExp("models/**\/*.pkl").test("models/a/b.pkl"); // true
 */
export function globRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*" && pattern[i + 1] === "*") {
      // `**/` matches zero or more folders; a trailing `**` anything.
      if (pattern[i + 2] === "/") {
        source += "(?:.*/)?";
        i += 2;
      } else {
        source += ".*";
        i += 1;
      }
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}
