import { isAbsolute, relative, resolve, sep } from "node:path";
import { normalizeRelative } from "../../signing/paths.js";
import { GIT_PATHS } from "../../signing/serialization.js";

export interface IgnoreOptions {
  /** `--ignore-paths`: absolute, or relative to `cwd`, as the reference CLI takes them. */
  ignorePaths?: readonly string[];
  /** The signature (or lock) file: never part of what it signs. */
  signaturePath?: string;
  /** `--ignore-git-paths`, on by default: `.git`, `.gitattributes`, `.github`, `.gitignore`. */
  ignoreGitPaths?: boolean;
  cwd?: string;
}

/**
 * The ignore paths as the signature records them: relative to the model, POSIX, de-duplicated, in
 * the order given (user paths, the signature file, git paths). Paths outside the model are dropped,
 * as the reference tool drops them: they cannot match anything in it.
 *
 * @example
 * modelIgnorePaths("model", { ignorePaths: ["model/README.md"], signaturePath: "model.sig" });
 * // ["README.md", ".git", ".gitattributes", ".github", ".gitignore"]
 */
export function modelIgnorePaths(modelPath: string, options: IgnoreOptions): string[] {
  const cwd = options.cwd ?? process.cwd();
  const root = resolve(cwd, modelPath);
  const out: string[] = [];
  const add = (path: string): void => {
    const rel = relative(root, resolve(cwd, path));
    if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return;
    const posix = normalizeRelative(rel.split(sep).join("/"));
    if (!out.includes(posix)) out.push(posix);
  };
  for (const path of options.ignorePaths ?? []) add(path);
  if (options.signaturePath !== undefined) add(options.signaturePath);
  if (options.ignoreGitPaths ?? true) for (const git of GIT_PATHS) add(resolve(root, git));
  return out;
}
