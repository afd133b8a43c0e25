import type { Dependency, DependencyList } from "../types.js";
import { parseRequirement } from "./requirement-line.js";

/** Lines per requirements file (CWE-400): real files have hundreds. */
export const MAX_REQUIREMENT_LINES = 100_000;

/** A `-r`/`-c` reference to another file, relative to the file that names it. */
export interface Include {
  kind: "requirements" | "constraints";
  path: string;
  line: number;
}

export interface RequirementsFile extends DependencyList {
  includes: Include[];
}

/**
 * A requirements file or `pip freeze` output: one requirement per logical line, `\` joins lines,
 * `#` starts a comment, `-r`/`-c` name other files (resolved by `resolveRequirements`), other
 * options (`--index-url`, `--hash` on its own line) are ignored, editable and URL requirements
 * have no version and are noted.
 */
export function parseRequirements(text: string): RequirementsFile {
  const out: RequirementsFile = { kind: "requirements", dependencies: [], problems: [], notes: [], includes: [] };
  const physical = text.split(/\r?\n/);
  if (physical.length > MAX_REQUIREMENT_LINES) {
    out.problems.push(`More than ${MAX_REQUIREMENT_LINES} lines; the rest were not read (limit MAX_REQUIREMENT_LINES)`);
    physical.length = MAX_REQUIREMENT_LINES;
  }
  for (const { text: logical, line } of logicalLines(physical)) readLine(logical, line, out);
  return out;
}

/** Requirement strings from a YAML or TOML list (python_env.yaml, conda pip section, pyproject). */
export function parseRequirementList(items: readonly { text: string; line?: number }[], kind: DependencyList["kind"]): RequirementsFile {
  const out: RequirementsFile = { kind, dependencies: [], problems: [], notes: [], includes: [] };
  for (const item of items) readLine(item.text.replace(/(^|\s)#.*$/, "").trim(), item.line ?? 0, out);
  return out;
}

function* logicalLines(physical: readonly string[]): Generator<{ text: string; line: number }> {
  let buffer = "";
  let start = 0;
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i] as string;
    if (buffer === "") start = i + 1;
    if (raw.endsWith("\\")) {
      buffer += `${raw.slice(0, -1)} `;
      continue;
    }
    buffer += raw;
    yield { text: stripComment(buffer).trim(), line: start };
    buffer = "";
  }
  if (buffer !== "") yield { text: stripComment(buffer).trim(), line: start };
}

/** pip: `#` starts a comment at the line start or after whitespace (URLs keep their fragments). */
function stripComment(text: string): string {
  return text.replace(/(^|\s)#.*$/, "");
}

function readLine(text: string, line: number, out: RequirementsFile): void {
  if (text === "") return;
  const include = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)/.exec(text);
  if (include) {
    out.includes.push({ kind: include[1] === "-c" || include[1] === "--constraint" ? "constraints" : "requirements", path: include[2] as string, line });
    return;
  }
  if (/^(-e|--editable)\b/.test(text)) {
    out.notes.push(`line ${line}: editable requirement ${JSON.stringify(text.slice(0, 80))} has no declared version; not audited`);
    return;
  }
  if (text.startsWith("-")) return;
  if (/^(?:[a-z+]+:\/\/|\.{0,2}\/)/i.test(text)) {
    out.notes.push(`line ${line}: ${JSON.stringify(text.slice(0, 80))} is a path or URL without a declared version; not audited`);
    return;
  }
  const parsed = parseRequirement(text, line);
  if ("dependency" in parsed) out.dependencies.push(parsed.dependency);
  else if ("skip" in parsed) out.notes.push(`line ${line}: ${parsed.skip}`);
  else out.problems.push(parsed.problem);
}

/** What the include loader returns: the text, or why it was not read. */
export type LoadResult = { text: string } | { error: string };

/** Include depth (CWE-674): pip allows any, real projects nest two or three. */
export const MAX_INCLUDE_DEPTH = 8;
/** Files read through includes per root (CWE-400). */
export const MAX_INCLUDED_FILES = 64;

/**
 * Follows `-r` and `-c` includes with a depth limit and cycle detection. `load` reads a path
 * (relative paths are joined onto the including file's folder) or says why it will not (outside
 * the audited folder, unreadable). Constraints do not add packages: they pin or narrow the ones required.
 *
 * @example
 * const list = await resolveRequirements("model/requirements.txt", parseRequirements(text), { load: async (p) => ({ text: await readFile(p, "utf8") }) });
 */
export async function resolveRequirements(rootPath: string, root: RequirementsFile, options: { load: (path: string) => Promise<LoadResult> }): Promise<DependencyList> {
  const { load } = options;
  const out: DependencyList = { kind: root.kind, dependencies: [], problems: [...root.problems], notes: [...root.notes] };
  const constraints: Dependency[] = [];
  const seen = new Set<string>([normalizePath(rootPath)]);
  let files = 0;
  const visit = async (path: string, file: RequirementsFile, depth: number, asConstraints: boolean): Promise<void> => {
    for (const dep of file.dependencies) (asConstraints ? constraints : out.dependencies).push(path === rootPath ? dep : { ...dep, from: path });
    for (const include of file.includes) {
      const target = include.path.startsWith("/") || /^[a-z]+:\/\//i.test(include.path) ? include.path : joinPath(dirname(path), include.path);
      const where = `${path} line ${include.line}`;
      if (/^[a-z]+:\/\//i.test(target)) {
        out.problems.push(`${where}: include ${JSON.stringify(include.path)} is a URL; not fetched, so its requirements were not audited`);
        continue;
      }
      const key = normalizePath(target);
      if (seen.has(key)) {
        out.notes.push(`${where}: include ${JSON.stringify(include.path)} was already read (include cycle or repeat); skipped`);
        continue;
      }
      if (depth + 1 > MAX_INCLUDE_DEPTH) {
        out.problems.push(`${where}: include ${JSON.stringify(include.path)} is nested deeper than ${MAX_INCLUDE_DEPTH}; not read (limit MAX_INCLUDE_DEPTH)`);
        continue;
      }
      if (++files > MAX_INCLUDED_FILES) {
        out.problems.push(`${where}: more than ${MAX_INCLUDED_FILES} included files; ${JSON.stringify(include.path)} was not read (limit MAX_INCLUDED_FILES)`);
        continue;
      }
      seen.add(key);
      const loaded = await load(target);
      if ("error" in loaded) {
        out.problems.push(`${where}: include ${JSON.stringify(include.path)} not read (${loaded.error}); its requirements were not audited`);
        continue;
      }
      const parsed = parseRequirements(loaded.text);
      out.problems.push(...parsed.problems.map((p) => `${target}: ${p}`));
      out.notes.push(...parsed.notes.map((n) => `${target}: ${n}`));
      await visit(target, parsed, depth + 1, asConstraints || include.kind === "constraints");
    }
  };
  await visit(rootPath, root, 0, false);
  out.dependencies = applyConstraints(out.dependencies, constraints);
  return out;
}

/** A pinned constraint replaces an unpinned or ranged requirement of the same package. */
function applyConstraints(dependencies: Dependency[], constraints: readonly Dependency[]): Dependency[] {
  const key = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, "-");
  const pins = new Map(constraints.filter((c) => c.pinning === "exact").map((c) => [key(c.name), c]));
  const ranges = new Map(constraints.filter((c) => c.pinning === "range").map((c) => [key(c.name), c]));
  return dependencies.map((dep) => {
    if (dep.pinning === "exact") return dep;
    const pin = pins.get(key(dep.name));
    if (pin) return { ...dep, pinning: "exact", version: pin.version as string, specifier: undefined, from: `${dep.from ?? ""}${dep.from ? ", " : ""}constrained by ${pin.from ?? "constraints"}` };
    const range = ranges.get(key(dep.name));
    if (range && dep.pinning === "any") return { ...dep, pinning: "range", specifier: range.specifier as string };
    if (range && dep.pinning === "range") return { ...dep, specifier: `${dep.specifier as string},${range.specifier as string}` };
    return dep;
  });
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

function joinPath(dir: string, rel: string): string {
  return dir === "" ? rel : `${dir}/${rel}`;
}

/** `a/./b/../c` -> `a/c`, for cycle detection only (the loader resolves for real). */
function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(part);
  }
  return (path.startsWith("/") ? "/" : "") + parts.join("/");
}
