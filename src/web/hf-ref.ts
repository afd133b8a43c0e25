/**
 * `hf://ORG/REPO[@REVISION][/PATH]`: a model on a Hugging Face hub. The revision is a branch, tag
 * or commit; a revision with a slash (`refs/pr/1`) is written percent-encoded (`refs%2Fpr%2F1`),
 * as `huggingface_hub`'s file system does.
 */
export interface HfRef {
  repo: string;
  revision: string;
  /** A file or folder inside the repo; empty for the whole repo. */
  path: string;
}

/** Longest repo id the hub accepts (96 characters for the name part, plus the owner). */
const MAX_REPO_ID_CHARS = 200;
/** Longest path inside a repo we accept; hub paths are bounded well below this. */
const MAX_REPO_PATH_CHARS = 1024;

/** Owner and name as the hub allows them: letters, digits, `-`, `_`, `.`; no `..`, no leading dot or dash. */
const REPO_PART = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$/;
/** Branch, tag or commit: visible ASCII without the characters git forbids in ref names. */
const REVISION = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,254}$/;

export type HfRefResult = { ok: true; ref: HfRef } | { ok: false; message: string };

/** Parses an `hf://` reference; bad input is a message, not an exception. */
export function parseHfRef(text: string): HfRefResult {
  if (!text.startsWith("hf://")) return { ok: false, message: `Not an hf:// reference: ${JSON.stringify(text)}` };
  const rest = text.slice("hf://".length);
  const [owner, nameAndRev, ...pathParts] = rest.split("/");
  if (owner === undefined || nameAndRev === undefined) return { ok: false, message: `Expected hf://ORG/REPO[@REVISION][/PATH], got ${JSON.stringify(text)}` };
  const at = nameAndRev.indexOf("@");
  const name = at < 0 ? nameAndRev : nameAndRev.slice(0, at);
  let revision = "main";
  if (at >= 0) {
    try {
      revision = decodeURIComponent(nameAndRev.slice(at + 1));
    } catch {
      return { ok: false, message: `Malformed percent-encoding in revision ${JSON.stringify(nameAndRev.slice(at + 1))}` };
    }
  }
  return checkRef({ repo: `${owner}/${name}`, revision, path: pathParts.filter((p) => p !== "").join("/") });
}

/** Validates repo id, revision and path, so nothing a user typed can walk out of the repo's URL space. */
export function checkRef(ref: HfRef): HfRefResult {
  const [owner, name, extra] = ref.repo.split("/");
  if (ref.repo.length > MAX_REPO_ID_CHARS || extra !== undefined || !isRepoPart(owner) || !isRepoPart(name)) {
    return { ok: false, message: `Invalid repo id ${JSON.stringify(ref.repo)}: expected ORG/NAME with letters, digits, "-", "_" and "." (no "..")` };
  }
  if (!REVISION.test(ref.revision) || ref.revision.split("/").some((p) => p === "" || p === "." || p === "..") || ref.revision.includes("..")) {
    return { ok: false, message: `Invalid revision ${JSON.stringify(ref.revision)}` };
  }
  const pathProblem = checkRepoPath(ref.path, true);
  if (pathProblem) return { ok: false, message: pathProblem };
  return { ok: true, ref };
}

/** A message when `path` is not a plain relative path inside a repo; undefined when it is. */
export function checkRepoPath(path: string, allowEmpty = false): string | undefined {
  if (path === "") return allowEmpty ? undefined : "Empty file path";
  if (path.length > MAX_REPO_PATH_CHARS) return `File path longer than ${MAX_REPO_PATH_CHARS} characters (limit MAX_REPO_PATH_CHARS)`;
  // Control characters (CR/LF above all) would end up in headers and logs.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return `Invalid file path ${JSON.stringify(path)}: control characters and backslashes are not allowed`;
  if (path.startsWith("/") || path.split("/").some((p) => p === "" || p === "." || p === "..")) {
    return `Invalid file path ${JSON.stringify(path)}: empty, "." and ".." segments are not allowed`;
  }
  return undefined;
}

function isRepoPart(part: string | undefined): boolean {
  return part !== undefined && REPO_PART.test(part) && !part.includes("..") && !part.endsWith(".");
}

/** `/org/name/resolve/rev/a%20b/c.bin` for the hub's download endpoint. */
export function resolvePath(ref: { repo: string; revision: string }, path: string): string {
  return `/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

export function formatHfRef(ref: HfRef): string {
  const rev = ref.revision === "main" ? "" : `@${encodeURIComponent(ref.revision)}`;
  return `hf://${ref.repo}${rev}${ref.path ? `/${ref.path}` : ""}`;
}
